// From epoch records to chart lines and their legends: the current run and any overlaid runs,
// each in its own colour (the current run once, even when it is also ticked in the history),
// each only where its values exist (evaluation may skip epochs).
import type { EpochRecord } from '../../train/trainer';
import type { ModelKind } from '../../models/config';
import type { RunRecord } from '../state/history-store';
import { modelLabel } from '../state/run-config';
import { MODEL_COLORS, OKABE_ITO, runColors, SPLIT_STYLE } from './colors';
import type { Curve, CurvePoint } from './CurveChart';
import type { LegendItem } from './legend';

export interface ShownRun {
  id: string;
  name: string;
  color: string;
  current: boolean;
  epochs: EpochRecord[];
}

export interface CurrentRun {
  label: string;
  model: ModelKind;
  epochs: EpochRecord[];
  /** The history record of this run once it has finished: not drawn a second time as an overlay. */
  recordId: string | null;
}

export interface Lines {
  curves: Curve[];
  legend: LegendItem[];
}

export function shownRuns(current: CurrentRun | null, overlays: readonly RunRecord[]): ShownRun[] {
  const out: ShownRun[] = [];
  const others = overlays.filter((r) => r.id !== current?.recordId);
  const mine = current ? (MODEL_COLORS[current.model] ?? OKABE_ITO.blue) : null;
  if (current)
    out.push({
      id: 'current',
      name: `this run: ${current.label}`,
      color: mine!,
      current: true,
      epochs: current.epochs,
    });
  const colors = runColors(others.length, mine ? [mine] : []);
  others.forEach((r, i) =>
    out.push({
      id: r.id,
      name: `${modelLabel(r.config.model)} · ${new Date(r.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`,
      color: colors[i],
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

const runLegend = (runs: ShownRun[]): LegendItem[] =>
  runs.map((r) => ({ name: r.name, color: r.color }));

/** One line per run. */
export function simpleCurves(
  runs: ShownRun[],
  f: (e: EpochRecord) => number | null | undefined,
): Lines {
  return {
    curves: runs.map((r) => ({
      id: r.id,
      name: r.name,
      color: r.color,
      width: r.current ? 2.5 : 1.75,
      points: pts(r.epochs, f),
    })),
    legend: runLegend(runs),
  };
}

const SPLITS = ['train', 'valid', 'test'] as const;

/**
 * Train / valid / test of every run: the dash pattern tells the split, the colour the run. With
 * one run shown the splits take colours of their own too.
 */
export function metricCurves(runs: ShownRun[]): Lines {
  const alone = runs.length === 1;
  const curves: Curve[] = [];
  for (const r of runs)
    for (const split of SPLITS)
      curves.push({
        id: `${r.id}-${split}`,
        name: alone ? split : `${r.name} (${split})`,
        color: alone ? SPLIT_STYLE[split].color : r.color,
        dash: SPLIT_STYLE[split].dash,
        width: r.current ? 2.25 : 1.75,
        points: pts(r.epochs, (e) => e[split]),
      });
  const splits = SPLITS.map((s) => ({
    name: s,
    color: alone ? SPLIT_STYLE[s].color : '#4a5368',
    dash: SPLIT_STYLE[s].dash,
  }));
  return { curves, legend: alone ? splits : [...runLegend(runs), ...splits] };
}

export function solverCurves(runs: ShownRun[], what: 'iterations' | 'residual'): Lines {
  const curves: Curve[] = [];
  const shown: ShownRun[] = [];
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
    shown.push(r);
    curves.push({ id: `${r.id}-f`, name: `${r.name} forward`, color: r.color, points: f });
    curves.push({
      id: `${r.id}-b`,
      name: `${r.name} backward`,
      color: r.color,
      dash: '8 4',
      points: b,
    });
  }
  const passes = [
    { name: 'forward solve', color: '#4a5368' },
    { name: 'backward (adjoint) solve', color: '#4a5368', dash: '8 4' },
  ];
  return { curves, legend: [...runLegend(shown), ...passes] };
}

export function pointCount(c: Curve | undefined): number {
  return c ? c.points.length : 0;
}
