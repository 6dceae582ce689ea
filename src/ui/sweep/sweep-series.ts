// The depth sweep as chart data: a line per model through the depths that fit, out-of-memory
// points marked along the top, and two guides through the smallest depth — one growing like
// L·N·D (a stored activation per layer), one flat like N·D (the reversible promise).
import type { ModelKind } from '../../models/config';
import type { SweepRow } from '../../worker/protocol';
import { GUIDE_STYLE, MODEL_COLORS, OOM_COLOR } from '../charts/colors';
import type { LegendItem } from '../charts/legend';

export type SweepMetric = 'activations' | 'total';

export interface XY {
  x: number;
  y: number;
}

export interface SweepSeries {
  lines: { model: ModelKind; points: XY[] }[];
  ooms: { model: ModelKind; x: number; y: number; message: string }[];
  guides: { name: string; kind: 'grows' | 'flat'; points: XY[] }[];
  depths: number[];
  yDomain: [number, number];
}

export function valueOf(row: SweepRow, metric: SweepMetric): number {
  return metric === 'activations' ? row.activationBytes : row.peakBytes;
}

/**
 * `predicted`: points the depth slider asks about (not measured); the axes and guides reach them.
 */
export function sweepSeries(
  rows: readonly SweepRow[],
  metric: SweepMetric,
  budgetBytes: number | null,
  predicted: readonly XY[] = [],
): SweepSeries {
  const depths = [...new Set([...rows.map((r) => r.layers), ...predicted.map((p) => p.x)])].sort(
    (a, b) => a - b,
  );
  const models = [...new Set(rows.map((r) => r.model))];
  const lines = models.map((model) => ({
    model,
    points: rows
      .filter((r) => r.model === model && r.status === 'ok')
      .map((r) => ({ x: r.layers, y: valueOf(r, metric) }))
      .filter((p) => p.y > 0)
      .sort((a, b) => a.x - b.x),
  }));
  const ys = [...lines.flatMap((l) => l.points.map((p) => p.y)), ...predicted.map((p) => p.y)];
  if (metric === 'total' && budgetBytes) ys.push(budgetBytes);
  const lo = ys.length ? Math.min(...ys) : 1024;
  const hi = ys.length ? Math.max(...ys) : 1024 * 1024;
  const yDomain: [number, number] = [
    2 ** Math.floor(Math.log2(lo / 1.2)),
    2 ** Math.ceil(Math.log2(hi * 2.5)),
  ];
  // Out-of-memory has no value to plot: mark it at the top, where the memory ran out.
  const ooms = rows
    .filter((r) => r.status === 'oom')
    .map((r) => ({
      model: r.model,
      x: r.layers,
      y: yDomain[1] / 1.25,
      message: r.message ?? 'out of memory',
    }));

  const guides: SweepSeries['guides'] = [];
  const firsts = lines.filter((l) => l.points.length).map((l) => l.points[0]);
  if (firsts.length && depths.length > 1) {
    const l0 = Math.min(...firsts.map((p) => p.x));
    const at0 = firsts.filter((p) => p.x === l0).map((p) => p.y);
    const top = Math.max(...at0);
    const bottom = Math.min(...at0);
    const span = depths.filter((d) => d >= l0);
    // The growing guide stops where it leaves the chart, at the exact crossing.
    const yTop = yDomain[1];
    const grow = span.map((d) => ({ x: d, y: (top * d) / l0 })).filter((p) => p.y <= yTop);
    const cross = (l0 * yTop) / top;
    if (grow.length < span.length && cross > (grow.at(-1)?.x ?? l0))
      grow.push({ x: cross, y: yTop });
    guides.push({ name: '∝ L·N·D', kind: 'grows', points: grow });
    guides.push({ name: '∝ N·D', kind: 'flat', points: span.map((d) => ({ x: d, y: bottom })) });
  }
  return { lines, ooms, guides, depths, yDomain };
}

/** max/min − 1 of a model's values over depth: 0 is perfectly flat. */
export function spread(points: readonly XY[]): number {
  if (!points.length) return NaN;
  const ys = points.map((p) => p.y);
  return Math.max(...ys) / Math.min(...ys) - 1;
}

/** What the depth chart's marks mean, in the order they are drawn. */
export function sweepLegend(
  series: SweepSeries,
  showBudget: boolean,
  predicted: boolean,
): LegendItem[] {
  const items: LegendItem[] = series.lines.map((l) => ({
    name: l.model,
    color: MODEL_COLORS[l.model],
  }));
  for (const g of series.guides)
    items.push({
      name: `${g.name} guide`,
      color: GUIDE_STYLE[g.kind].color,
      dash: GUIDE_STYLE[g.kind].dash,
    });
  if (series.ooms.length) items.push({ name: 'out of memory', color: OOM_COLOR, marker: 'cross' });
  if (showBudget) items.push({ name: 'budget', color: OOM_COLOR, dash: '2 3' });
  if (predicted)
    items.push({ name: 'predicted from the measured slope', color: '#4a5368', marker: 'ring' });
  return items;
}
