// The guided tour, "why 1000 layers fit", as data: each step's settings, what running it does
// and the sentence it reports. Sizes are small on purpose, so the whole story runs in a couple of
// minutes even on a software GPU; the lesson does not depend on size.
import type { ModelKind } from '../../models/config';
import { formatBytes } from '../../util/format';
import type { CaptureResult, SweepRow, SweepSpec } from '../../worker/protocol';
import type { RunRecord } from '../state/history-store';
import { DEFAULT_RUN, sweepSpec, type RunConfig, type SweepConfig } from '../state/run-config';

/** What a step may do to the page. */
export interface TourActions {
  /** Trains `cfg` to the end; the finished run's record (null: it did not run). */
  train(cfg: RunConfig): Promise<RunRecord | null>;
  /** Overlays exactly these history runs on the charts. */
  overlay(ids: string[]): void;
  sweep(spec: SweepSpec): Promise<SweepRow[]>;
  capture(cfg: RunConfig): Promise<CaptureResult | null>;
  clearTimelines(): void;
  /** Shows `cfg` in the settings (what the page is left with). */
  show(cfg: RunConfig): void;
  /** Points the step timeline's moment (0..1) at a place worth looking at. */
  look(position: number): void;
}

export interface TourStep {
  title: string;
  /** Two or three sentences; what to look at is pinned on the charts. */
  text: string;
  /** Where the step's picture is on the page (scrolled into view). */
  focus: 'loss-chart' | 'train-panel' | 'sweep-panel' | 'timeline-panel';
  run: RunConfig;
  sweep?: SweepConfig;
  /** Runs the step; returns what happened, in a sentence. */
  play(a: TourActions): Promise<string>;
}

export const TOUR_BUDGET_MIB = 6;

const base = (model: Partial<RunConfig['model']>, run: Partial<RunConfig> = {}): RunConfig => ({
  ...DEFAULT_RUN,
  model: { ...DEFAULT_RUN.model, channels: 16, groups: 2, ...model },
  parts: 1,
  seed: 0,
  budgetMiB: null,
  ...run,
});

const as = (cfg: RunConfig, model: ModelKind): RunConfig => ({
  ...cfg,
  model: { ...cfg.model, model },
});

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '–');

/** " in the forward pass at layer 37", from an out-of-memory message. */
function whereOom(message: string | undefined): string {
  const m = /during "(forward|backward) (\d+)/.exec(message ?? '');
  return m ? ` in the ${m[1]} pass at layer ${m[2]}` : '';
}

/** "810 KiB at every depth" or "between 0.8 and 1.1 MiB". */
function range(values: number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi
    ? `at ${formatBytes(lo)} at every depth`
    : `between ${formatBytes(lo)} and ${formatBytes(hi)}`;
}

const SHALLOW = base({ model: 'rev', layers: 4 }, { epochs: 4 });
const DEEP_RES = base({ model: 'res', layers: 128 }, { epochs: 1, budgetMiB: TOUR_BUDGET_MIB });
const SWEEP_RUN = base({ model: 'rev', layers: 16 }, { epochs: 1, budgetMiB: TOUR_BUDGET_MIB });
export const TOUR_SWEEP: SweepConfig = { models: ['res', 'rev'], depths: [2, 8, 32, 128] };
const ONE_STEP = base({ model: 'rev', layers: 32 }, { epochs: 1 });
const THOUSAND = base(
  { model: 'rev', layers: 1001, channels: 8 },
  { epochs: 1, budgetMiB: TOUR_BUDGET_MIB },
);

export const TOUR_STEPS: readonly TourStep[] = [
  {
    title: 'Shallow: res and rev learn alike',
    text: 'A 4-layer residual network (res) and a 4-layer reversible one (rev) train on the same graph. A reversible block computes the same kind of function — watch the two loss curves.',
    focus: 'loss-chart',
    run: SHALLOW,
    async play(a) {
      const res = await a.train(as(SHALLOW, 'res'));
      const rev = await a.train(SHALLOW);
      a.overlay(res ? [res.id] : []);
      a.show(SHALLOW);
      if (!res || !rev) return 'A run did not finish; run the step again.';
      return `Best test accuracy: res ${pct(res.best.test)}, rev ${pct(rev.best.test)} — at this depth both fit easily.`;
    },
  },
  {
    title: `A GPU of ${TOUR_BUDGET_MIB} MiB`,
    text: `The budget makes the GPU pretend to have ${TOUR_BUDGET_MIB} MiB. A 128-layer res must keep every layer's activations for its backward pass. Does it fit?`,
    focus: 'train-panel',
    run: DEEP_RES,
    async play(a) {
      const res = await a.train(DEEP_RES);
      a.overlay([]);
      if (!res) return 'The run did not start.';
      return res.status === 'oom'
        ? `res ran out of memory${whereOom(res.message)}: ${DEEP_RES.model.layers} layers of stored activations do not fit in ${TOUR_BUDGET_MIB} MiB. (The next step shows rev at the same depth.)`
        : `res fitted (peak ${formatBytes(res.peakBytes)}): this GPU has room to spare.`;
    },
  },
  {
    title: 'Depth sweep: where res runs out',
    text: `One measured training step per model and depth, 2 to 128 layers, under the ${TOUR_BUDGET_MIB} MiB budget. res grows with every layer until it does not fit; rev stays flat.`,
    focus: 'sweep-panel',
    run: SWEEP_RUN,
    sweep: TOUR_SWEEP,
    async play(a) {
      const rows = await a.sweep(sweepSpec(SWEEP_RUN, TOUR_SWEEP));
      const oom = rows.filter((r) => r.model === 'res' && r.status === 'oom').map((r) => r.layers);
      const rev = rows.filter((r) => r.model === 'rev' && r.status === 'ok');
      const act = rev.map((r) => r.activationBytes);
      return (
        (oom.length
          ? `res ran out of memory from ${Math.min(...oom)} layers`
          : 'res fitted at every depth') +
        (act.length ? `; rev's activations stayed ${range(act)}.` : '.') +
        ' Now drag the depth slider: the chart predicts any depth from the measured slope.'
      );
    },
  },
  {
    title: 'One step, measured',
    text: 'The bytes in use through one training step of 32 layers, with no budget. Move along the timeline: the block below shows what is alive in GPU memory at that moment.',
    focus: 'timeline-panel',
    run: ONE_STEP,
    async play(a) {
      a.clearTimelines();
      const res = await a.capture(as(ONE_STEP, 'res'));
      const rev = await a.capture(ONE_STEP);
      a.show(ONE_STEP);
      if (!res?.ok || !rev?.ok) return 'A measurement failed; run the step again.';
      const grew = res.series.peakBytes - res.series.startBytes;
      const flat = rev.series.peakBytes - rev.series.startBytes;
      const back = rev.series.segments.find((s) => s.phase === 'backward');
      if (back) a.look((back.from + back.to) / 2);
      return `res climbed ${formatBytes(grew)} above where the step began through the forward and gave it back in the backward; rev rose ${formatBytes(flat)} and stayed there.`;
    },
  },
  {
    title: '1001 layers',
    text: `The paper's depth: a 1001-layer rev network (8 channels wide, kept small so one epoch is quick), in the same ${TOUR_BUDGET_MIB} MiB that 128 layers of res could not fit in. Its training step joins the timeline.`,
    focus: 'timeline-panel',
    run: THOUSAND,
    async play(a) {
      const r = await a.train(THOUSAND);
      a.overlay([]);
      if (!r) return 'The run did not start.';
      return r.status === 'done'
        ? `1001 layers trained for an epoch; peak ${formatBytes(r.peakBytes)} within the ${TOUR_BUDGET_MIB} MiB budget.`
        : `The run ended: ${r.message ?? r.status}.`;
    },
  },
];
