// The memory experiments: a depth sweep (one measured training step per model and depth, each on
// a fresh device so an out-of-memory cannot starve the next point) and a single-step capture
// with its allocation timeline.
import { configProblems, type ModelConfig } from '../models/config';
import { measureStep, type StepMeasurement } from '../train/measure';
import { zeroByTag } from '../gpu/memory-tags';
import { openFor } from './datasets';
import type { JobControl } from './job';
import type { CaptureResult, RunSpec, SweepListener, SweepRow, SweepSpec } from './protocol';
import { tell } from './runtime-holder';
import { reduceTimeline } from './timeline';

function rowOf(m: StepMeasurement): SweepRow {
  return {
    model: m.model,
    layers: m.layers,
    status: m.status,
    peakBytes: m.peakBytes,
    peakHeldBytes: m.peakHeldBytes,
    activationBytes: m.peakByTag.activations + m.peakByTag.workspace,
    peakByTag: m.peakByTag,
    params: m.params,
    ms: m.ms,
    ...(m.message ? { message: m.message } : {}),
  };
}

function failedRow(cfg: ModelConfig, status: 'invalid' | 'error', message: string): SweepRow {
  return {
    model: cfg.model,
    layers: cfg.layers,
    status,
    peakBytes: 0,
    activationBytes: 0,
    peakByTag: zeroByTag(),
    params: 0,
    ms: 0,
    message,
  };
}

export async function runSweep(
  spec: SweepSpec,
  listener: SweepListener,
  control: JobControl,
): Promise<SweepRow[]> {
  const { data } = await openFor(spec, spec.seed, (p) => tell(() => listener.loading(p)));
  const rows: SweepRow[] = [];
  const total = spec.models.length * spec.depths.length;
  for (const model of spec.models) {
    for (const layers of spec.depths) {
      if ((await control.control()) === 'stop') return rows;
      const cfg: ModelConfig = { ...spec.base, model, layers };
      const problems = configProblems(cfg);
      let row: SweepRow;
      if (problems.length) {
        row = failedRow(cfg, 'invalid', problems.join(' '));
      } else {
        try {
          row = rowOf(
            await measureStep(data, cfg, { seed: spec.seed, budgetBytes: spec.budgetBytes }),
          );
        } catch (e) {
          row = failedRow(cfg, 'error', e instanceof Error ? e.message : String(e));
        }
      }
      rows.push(row);
      const done = rows.length;
      tell(() => listener.point(row, done, total));
    }
  }
  return rows;
}

export async function captureStep(
  spec: RunSpec,
  listener: Pick<SweepListener, 'loading'>,
): Promise<CaptureResult> {
  const problems = configProblems(spec.model);
  if (problems.length) return { ok: false, status: 'error', message: problems.join(' ') };
  try {
    const { data } = await openFor(spec, spec.train.seed, (p) => tell(() => listener.loading(p)));
    const m = await measureStep(data, spec.model, {
      seed: spec.train.seed,
      budgetBytes: spec.budgetBytes,
      withTimeline: true,
    });
    if (m.status === 'oom')
      return { ok: false, status: 'oom', message: m.message ?? 'Out of GPU memory.' };
    const series = reduceTimeline(m.timeline ?? [], {
      label: `${spec.model.model} · ${spec.model.layers} layers`,
      model: spec.model.model,
      layers: spec.model.layers,
      groups: spec.model.groups,
      source: 'probe',
    });
    return { ok: true, series };
  } catch (e) {
    return { ok: false, status: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}
