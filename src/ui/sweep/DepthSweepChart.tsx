// Peak memory against depth, log–log: lines per model, the two growth guides (each labelled on
// its line), budget line, a cross where a depth ran out of memory, and hollow rings where the
// depth slider asks for a prediction.
import {
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBytes } from '../../util/format';
import { annotationDots, type Annotation } from '../charts/annotations';
import { logByteTicks, shortBytes } from '../charts/ticks';
import { GUIDE_STYLE, MODEL_COLORS, OOM_COLOR, PREDICTION_DASH } from '../charts/colors';
import type { Prediction } from './predict';
import type { SweepMetric, SweepSeries } from './sweep-series';

function Cross(props: { cx?: number; cy?: number }) {
  const { cx = 0, cy = 0 } = props;
  const r = 6;
  return (
    <g stroke={OOM_COLOR} strokeWidth={2.5}>
      <line x1={cx - r} y1={cy - r} x2={cx + r} y2={cy + r} />
      <line x1={cx - r} y1={cy + r} x2={cx + r} y2={cy - r} />
    </g>
  );
}

function Ring(props: { cx?: number; cy?: number; fill?: string }) {
  const { cx = 0, cy = 0, fill } = props;
  return (
    <circle
      cx={cx}
      cy={cy}
      r={6}
      fill="#fff"
      stroke={fill}
      strokeWidth={2.5}
      className="prediction-mark"
    />
  );
}

/**
 * The guide's name written on its line: the flat one under its right end (rev's line runs along
 * it), the growing one above the middle of its rise (its end may leave the chart).
 */
function guideLabel(text: string, color: string, flat: boolean) {
  return function GuideLabel(props: { cx?: number; cy?: number }) {
    const { cx = 0, cy = 0 } = props;
    return (
      <text
        x={flat ? cx - 4 : cx - 8}
        y={flat ? cy + 15 : cy - 8}
        textAnchor="end"
        fontSize={12}
        fontWeight={600}
        fill={color}
        className="guide-label"
      >
        {text}
      </text>
    );
  };
}

/** Where a guide's label goes: the end of a flat one, the log-middle of a growing one. */
function labelAt(g: SweepSeries['guides'][number]): { x: number; y: number } | null {
  const a = g.points[0];
  const b = g.points.at(-1);
  if (!a || !b) return null;
  return g.kind === 'flat' ? b : { x: Math.sqrt(a.x * b.x), y: Math.sqrt(a.y * b.y) };
}

interface Props {
  series: SweepSeries;
  metric: SweepMetric;
  budgetBytes: number | null;
  predictions?: Prediction[];
  annotations?: Annotation[];
}

export function DepthSweepChart({
  series,
  metric,
  budgetBytes,
  predictions = [],
  annotations,
}: Props) {
  const { lines, ooms, guides, depths, yDomain } = series;
  const xDomain: [number, number] = depths.length
    ? [Math.max(1, depths[0] / 1.4), depths.at(-1)! * 1.4]
    : [1, 2048];
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart margin={{ top: 8, right: 20, bottom: 20, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ec" />
        <XAxis
          type="number"
          dataKey="x"
          scale="log"
          domain={xDomain}
          ticks={depths}
          allowDataOverflow
          label={{ value: 'depth (layers, log scale)', position: 'insideBottom', offset: -12 }}
        />
        <YAxis
          type="number"
          dataKey="y"
          scale="log"
          domain={yDomain}
          allowDataOverflow
          ticks={logByteTicks(yDomain[0], yDomain[1])}
          tickFormatter={shortBytes}
          width={72}
          label={{
            value: metric === 'activations' ? 'activations at peak' : 'peak in use',
            angle: -90,
            position: 'insideLeft',
            offset: 0,
            style: { textAnchor: 'middle' },
          }}
        />
        <Tooltip
          formatter={(v) => (typeof v === 'number' ? formatBytes(v) : String(v))}
          labelFormatter={(x) => `${x} layers`}
        />
        {lines.map((l) => (
          <Line
            key={l.model}
            data={l.points}
            dataKey="y"
            name={l.model}
            stroke={MODEL_COLORS[l.model]}
            strokeWidth={2.5}
            dot={{ r: 3.5 }}
            isAnimationActive={false}
          />
        ))}
        {guides.map((g) => {
          const style = GUIDE_STYLE[g.kind];
          return (
            <Line
              key={g.name}
              data={g.points}
              dataKey="y"
              name={g.name}
              stroke={style.color}
              strokeDasharray={style.dash}
              strokeWidth={g.kind === 'flat' ? 2 : 1.5}
              dot={false}
              isAnimationActive={false}
            />
          );
        })}
        {guides.map((g) => {
          const at = labelAt(g);
          return at ? (
            <ReferenceDot
              key={`${g.name}-label`}
              x={at.x}
              y={at.y}
              r={0}
              ifOverflow="visible"
              shape={guideLabel(g.name, GUIDE_STYLE[g.kind].color, g.kind === 'flat')}
            />
          ) : null;
        })}
        {predictions.map((p) => {
          // The fitted slope, drawn on from the deepest measured point to the prediction.
          const from = lines.find((l) => l.model === p.model)?.points.at(-1);
          return from ? (
            <Line
              key={`${p.model}-slope`}
              data={[from, { x: p.layers, y: p.bytes }].sort((a, b) => a.x - b.x)}
              dataKey="y"
              name={`${p.model} predicted`}
              stroke={MODEL_COLORS[p.model]}
              strokeDasharray={PREDICTION_DASH}
              strokeWidth={1.75}
              dot={false}
              isAnimationActive={false}
              className="prediction-line"
            />
          ) : null;
        })}
        {predictions.length > 0 && (
          <Scatter
            data={predictions.map((p) => ({ x: p.layers, y: p.bytes, model: p.model }))}
            dataKey="y"
            name="predicted"
            isAnimationActive={false}
            shape={(p: {
              cx?: number;
              cy?: number;
              payload?: { model: keyof typeof MODEL_COLORS };
            }) => <Ring cx={p.cx} cy={p.cy} fill={MODEL_COLORS[p.payload?.model ?? 'rev']} />}
          />
        )}
        {predictions.length > 0 && (
          <ReferenceLine
            x={predictions[0].layers}
            stroke="#4a5368"
            strokeDasharray="3 3"
            ifOverflow="extendDomain"
            label={{
              value: `L = ${predictions[0].layers} (predicted)`,
              position: 'insideTopRight',
              fill: '#4a5368',
              fontSize: 12,
            }}
          />
        )}
        {ooms.length > 0 && (
          <Scatter
            data={ooms}
            dataKey="y"
            name="out of memory"
            legendType="cross"
            fill={OOM_COLOR}
            shape={<Cross />}
            isAnimationActive={false}
          />
        )}
        {metric === 'total' && budgetBytes !== null && (
          <ReferenceLine
            y={budgetBytes}
            stroke={OOM_COLOR}
            strokeDasharray="2 3"
            ifOverflow="extendDomain"
            label={{
              value: `budget ${formatBytes(budgetBytes)}`,
              position: 'insideTopRight',
              fill: OOM_COLOR,
              fontSize: 12,
            }}
          />
        )}
        {annotationDots(annotations)}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
