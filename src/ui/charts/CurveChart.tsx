// Lines over epochs, each with its own points (the current run and any overlaid ones), on a
// linear or log value axis.
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { annotationDots, type Annotation } from './annotations';
import { niceTicks } from './ticks';

export interface CurvePoint {
  x: number;
  y: number;
}

export interface Curve {
  id: string;
  name: string;
  color: string;
  /** SVG dash pattern; none: solid. */
  dash?: string;
  width?: number;
  points: CurvePoint[];
}

interface Props {
  curves: Curve[];
  xLabel: string;
  yLabel: string;
  yScale?: 'linear' | 'log';
  yFormat?: (v: number) => string;
  yDomain?: [number | 'auto', number | 'auto'];
  annotations?: Annotation[];
}

function logDomain(curves: Curve[]): [number, number] {
  let lo = Infinity;
  let hi = 0;
  for (const c of curves)
    for (const p of c.points)
      if (p.y > 0) {
        lo = Math.min(lo, p.y);
        hi = Math.max(hi, p.y);
      }
  if (!Number.isFinite(lo)) return [1e-8, 1];
  return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi * 1.0001))];
}

function linearTicks(curves: Curve[], from0: boolean): number[] {
  const ys = curves.flatMap((c) => c.points.map((p) => p.y));
  if (!ys.length) return [];
  return niceTicks(from0 ? Math.min(0, ...ys) : Math.min(...ys), Math.max(...ys));
}

export function CurveChart({
  curves,
  xLabel,
  yLabel,
  yScale = 'linear',
  yFormat,
  yDomain,
  annotations,
}: Props) {
  const log = yScale === 'log';
  const ticks = log ? undefined : linearTicks(curves, yDomain?.[0] === 0);
  const shown = log
    ? curves.map((c) => ({ ...c, points: c.points.filter((p) => p.y > 0) }))
    : curves;
  const fmt =
    yFormat ??
    ((v: number) =>
      Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01)
        ? v.toExponential(1)
        : String(+v.toFixed(3)));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ec" />
        <XAxis
          type="number"
          dataKey="x"
          domain={['dataMin', 'dataMax']}
          allowDecimals={false}
          tickCount={6}
          label={{ value: xLabel, position: 'insideBottom', offset: -12 }}
        />
        <YAxis
          type="number"
          scale={log ? 'log' : 'auto'}
          ticks={ticks?.length ? ticks : undefined}
          domain={
            log
              ? logDomain(shown)
              : ticks?.length
                ? [ticks[0], ticks.at(-1)!]
                : (yDomain ?? ['auto', 'auto'])
          }
          allowDataOverflow={log}
          tickFormatter={fmt}
          width={64}
          label={{
            value: yLabel,
            angle: -90,
            position: 'insideLeft',
            offset: 4,
            style: { textAnchor: 'middle' },
          }}
        />
        <Tooltip
          formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))}
          labelFormatter={(x) => `${xLabel} ${x}`}
        />
        {shown.map((c) => (
          <Line
            key={c.id}
            data={c.points}
            dataKey="y"
            name={c.name}
            stroke={c.color}
            strokeWidth={c.width ?? 2.25}
            strokeDasharray={c.dash}
            dot={c.points.length <= 40 ? { r: 2.5 } : false}
            isAnimationActive={false}
          />
        ))}
        {annotationDots(annotations)}
      </LineChart>
    </ResponsiveContainer>
  );
}
