// From epoch records to chart lines: the current run in full colour, overlaid runs from the
// history dashed, each only where its values exist (evaluation may skip epochs).
import type { EpochRecord } from '../../train/trainer';
import type { RunRecord } from '../state/history-store';
import { modelLabel } from '../state/run-config';
import { MODEL_COLORS, OVERLAY_COLORS, SPLIT_COLORS } from './colors';
import type { Curve, CurvePoint } from './CurveChart';

export interface ShownRun {
  id: string;
  name: string;
  color: string;
  current: boolean;
  epochs: EpochRecord[];
}

export function shownRuns(
  current: { label: string; model: keyof typeof MODEL_COLORS; epochs: EpochRecord[] } | null,
  overlays: readonly RunRecord[],
): ShownRun[] {
  const out: ShownRun[] = [];
  if (current)
    out.push({
      id: 'current',
      name: `this run: ${current.label}`,
      color: MODEL_COLORS[current.model] ?? '#2e6fd8',
      current: true,
      epochs: current.epochs,
    });
  overlays.forEach((r, i) =>
    out.push({
      id: r.id,
      name: `${modelLabel(r.config.model)} · ${new Date(r.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`,
      color: OVERLAY_COLORS[i % OVERLAY_COLORS.length],
      current: false,
      epochs: r.epochs,
    }),
  );
  return out;
}

function pts(
  epochs: EpochRecord[],
  f: (e: EpochRecord) => number | null | undefined,
): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const e of epochs) {
    const y = f(e);
    if (typeof y === 'number' && Number.isFinite(y)) out.push({ x: e.epoch, y });
  }
  return out;
}

export function simpleCurves(
  runs: ShownRun[],
  f: (e: EpochRecord) => number | null | undefined,
): Curve[] {
  return runs.map((r) => ({
    id: r.id,
    name: r.name,
    color: r.color,
    dashed: !r.current,
    points: pts(r.epochs, f),
  }));
}

/** The current run's train / valid / test; overlaid runs show their test metric only. */
export function metricCurves(runs: ShownRun[]): Curve[] {
  const out: Curve[] = [];
  for (const r of runs) {
    if (r.current) {
      for (const split of ['train', 'valid', 'test'] as const)
        out.push({
          id: `current-${split}`,
          name: split,
          color: SPLIT_COLORS[split],
          points: pts(r.epochs, (e) => e[split]),
        });
    } else {
      out.push({
        id: r.id,
        name: `${r.name} (test)`,
        color: r.color,
        dashed: true,
        points: pts(r.epochs, (e) => e.test),
      });
    }
  }
  return out;
}

export function solverCurves(runs: ShownRun[], what: 'iterations' | 'residual'): Curve[] {
  const out: Curve[] = [];
  for (const r of runs) {
    const fw =
      what === 'iterations'
        ? (e: EpochRecord) => e.solver?.forwardIterations
        : (e: EpochRecord) => e.solver?.forwardResidual;
    const bw =
      what === 'iterations'
        ? (e: EpochRecord) => e.solver?.backwardIterations
        : (e: EpochRecord) => e.solver?.backwardResidual;
    const f = pts(r.epochs, fw);
    const b = pts(r.epochs, bw);
    if (!f.length && !b.length) continue;
    out.push({
      id: `${r.id}-f`,
      name: `${r.current ? 'forward' : r.name + ' forward'}`,
      color: r.current ? '#8e44ad' : r.color,
      dashed: !r.current,
      points: f,
    });
    out.push({
      id: `${r.id}-b`,
      name: `${r.current ? 'backward' : r.name + ' backward'}`,
      color: r.current ? '#e08e0b' : r.color,
      dashed: true,
      points: b,
    });
  }
  return out;
}

export function pointCount(c: Curve | undefined): number {
  return c ? c.points.length : 0;
}
