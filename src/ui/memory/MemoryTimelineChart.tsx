// Bytes in use through one training step, phase by phase. Several steps (say res and rev of the
// same depth) overlay on one axis: position in the step, 0 to 100 %.
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ModelKind } from '../../models/config';
import { formatBytes } from '../../util/format';
import type { TimelineSeries } from '../../worker/protocol';
import { annotationDots, type Annotation } from '../charts/annotations';
import { linearByteTicks, shortBytes } from '../charts/ticks';
import { MODEL_COLORS, RUN_COLORS } from '../charts/colors';
import type { LegendItem } from '../charts/legend';

const PHASE_FILL: Record<string, string> = {
  setup: '#eef0f4',
  encode: '#e6f4f1',
  forward: '#fdecee',
  head: '#fff3e0',
  backward: '#e8f0fd',
  optimizer: '#f3e8fb',
};

export function colorOf(t: TimelineSeries, i: number): string {
  return MODEL_COLORS[t.model as ModelKind] ?? RUN_COLORS[i % RUN_COLORS.length];
}

/** The latest series is drawn solid, earlier ones dashed (two of one model stay apart). */
const dashOf = (i: number, n: number) => (i === n - 1 ? undefined : '6 4');

export function timelineLegend(series: TimelineSeries[]): LegendItem[] {
  return series.map((t, i) => ({
    name: `${t.label} (peak ${formatBytes(t.peakBytes)})`,
    color: colorOf(t, i),
    dash: dashOf(i, series.length),
  }));
}

interface Props {
  series: TimelineSeries[];
  /** The position being looked at (0..1), drawn as a vertical line. */
  cursor?: number | null;
  annotations?: Annotation[];
}

export function MemoryTimelineChart({ series, cursor = null, annotations }: Props) {
  const primary = series.at(-1);
  // Only phases wide enough to read get a label.
  const bands = primary?.segments.filter((s) => s.to - s.from > 0.002) ?? [];
  const ticks = linearByteTicks(Math.max(0, ...series.map((t) => t.peakBytes)));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ec" />
        {bands.map((b, i) => (
          <ReferenceArea
            key={`${b.phase}-${i}`}
            x1={b.from}
            x2={b.to}
            fill={PHASE_FILL[b.phase] ?? '#f1f2f5'}
            fillOpacity={0.9}
            ifOverflow="hidden"
            label={
              b.to - b.from > 0.06
                ? { value: b.phase, position: 'insideBottom', fontSize: 11, fill: '#5b6477' }
                : undefined
            }
          />
        ))}
        <XAxis
          type="number"
          dataKey="x"
          domain={[0, 1]}
          tickFormatter={(v: number) => `${Math.round(v * 100)} %`}
          label={{ value: 'through one training step', position: 'insideBottom', offset: -12 }}
        />
        <YAxis
          type="number"
          dataKey="bytes"
          tickFormatter={shortBytes}
          ticks={ticks}
          width={72}
          domain={[0, ticks.at(-1) ?? 'auto']}
          label={{
            value: 'bytes in use',
            angle: -90,
            position: 'insideLeft',
            offset: 0,
            style: { textAnchor: 'middle' },
          }}
        />
        <Tooltip
          formatter={(v, _n, item) => [
            `${formatBytes(Number(v))} (${(item?.payload as { phase?: string })?.phase || 'setup'})`,
            _n,
          ]}
          labelFormatter={(x) => `${Math.round(Number(x) * 100)} % of the step`}
        />
        {series.map((t, i) => (
          <Line
            key={`${t.label}-${i}`}
            data={t.points}
            dataKey="bytes"
            name={`${t.label} (peak ${formatBytes(t.peakBytes)})`}
            stroke={colorOf(t, i)}
            strokeWidth={i === series.length - 1 ? 2.25 : 1.5}
            strokeDasharray={dashOf(i, series.length)}
            dot={false}
            isAnimationActive={false}
            type="stepAfter"
          />
        ))}
        {cursor !== null && (
          <ReferenceLine x={cursor} stroke="#1d2330" strokeWidth={1.5} ifOverflow="hidden" />
        )}
        {annotationDots(annotations)}
      </LineChart>
    </ResponsiveContainer>
  );
}
