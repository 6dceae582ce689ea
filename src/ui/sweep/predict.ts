// Memory at a depth nobody measured, from the depths that were: per model, a straight line
// bytes = a + b·L fitted by least squares through the measured points (b is the cost of one more
// layer). It is a prediction and the page says so; a sweep measured with other data, width or
// groups predicts nothing about this configuration.
import type { ModelKind } from '../../models/config';
import type { SweepRow, SweepSpec } from '../../worker/protocol';
import type { RunConfig } from '../state/run-config';
import { valueOf, type SweepMetric } from './sweep-series';

export interface Prediction {
  model: ModelKind;
  layers: number;
  bytes: number;
  /** Bytes per added layer. */
  perLayer: number;
  /** The prediction passes the budget the sweep ran under. */
  overBudget: boolean;
  /** How many measured depths it rests on. */
  basis: number;
}

export function fitLine(points: readonly { x: number; y: number }[]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((t, p) => t + p.x, 0) / n;
  const my = points.reduce((t, p) => t + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

/** The fitted line at `layers`; a slope below zero is noise around a flat line. */
function lineAt(points: readonly { x: number; y: number }[], layers: number) {
  let { a, b } = fitLine(points);
  if (b < 0) {
    b = 0;
    a = points.reduce((t, p) => t + p.y, 0) / points.length;
  }
  return { bytes: Math.max(0, a + b * layers), perLayer: b };
}

/** Predictions at `layers` for every model with at least two measured depths. */
export function predictAt(
  rows: readonly SweepRow[],
  layers: number,
  metric: SweepMetric,
  budgetBytes: number | null,
): Prediction[] {
  const models = [...new Set(rows.map((r) => r.model))];
  const out: Prediction[] = [];
  for (const model of models) {
    const ok = rows.filter((r) => r.model === model && r.status === 'ok');
    if (new Set(ok.map((r) => r.layers)).size < 2) continue;
    const at = (m: SweepMetric) =>
      lineAt(
        ok.map((r) => ({ x: r.layers, y: valueOf(r, m) })),
        layers,
      );
    const shown = at(metric);
    out.push({
      model,
      layers,
      bytes: shown.bytes,
      perLayer: shown.perLayer,
      // The budget bounds everything the step holds, whichever part the chart shows.
      overBudget: budgetBytes !== null && at('total').bytes > budgetBytes,
      basis: ok.length,
    });
  }
  return out;
}

/** Why a sweep's slope says nothing about this configuration (null: it applies). */
export function sweepMismatch(spec: SweepSpec, cfg: RunConfig): string | null {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const diffs: string[] = [];
  if (!same(spec.dataset, cfg.dataset) || !same(spec.shards, cfg.shards)) diffs.push('data');
  if (spec.parts !== cfg.parts) diffs.push('parts per epoch');
  const a = spec.base;
  const b = cfg.model;
  if (a.op !== b.op || a.aggregation !== b.aggregation) diffs.push('operator');
  if (a.channels !== b.channels) diffs.push('channels');
  if (a.groups !== b.groups) diffs.push('groups');
  return diffs.length
    ? `The sweep was measured with other ${diffs.join(', ')}: run it again to predict for these settings.`
    : null;
}

/** Predictions as chart points (depth, bytes). */
export const predictedPoints = (ps: readonly Prediction[]) =>
  ps.map((p) => ({ x: p.layers, y: p.bytes }));
