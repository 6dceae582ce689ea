// Peak memory against depth, log–log: lines per model, dashed guides, budget line, and a cross
// where a depth ran out of memory.
import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBytes } from '../../util/format';
import { logByteTicks, shortBytes } from '../charts/ticks';
import { GUIDE_COLOR, MODEL_COLORS, OOM_COLOR } from '../charts/colors';
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

interface Props {
  series: SweepSeries;
  metric: SweepMetric;
  budgetBytes: number | null;
}

export function DepthSweepChart({ series, metric, budgetBytes }: Props) {
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
        <Legend
          verticalAlign="top"
          height={24}
          itemSorter={null}
          wrapperStyle={{ fontSize: '0.8rem' }}
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
        {guides.map((g) => (
          <Line
            key={g.name}
            data={g.points}
            dataKey="y"
            name={g.name}
            stroke={GUIDE_COLOR}
            strokeDasharray="6 5"
            strokeWidth={1.25}
            dot={false}
            isAnimationActive={false}
          />
        ))}
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
      </ComposedChart>
    </ResponsiveContainer>
  );
}
