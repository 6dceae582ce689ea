// Runs as files a spreadsheet or a notebook reads: a summary (one row per run), the curves (one
// row per run and epoch), and JSON with everything.
import type { RunRecord } from '../state/history-store';

/** RFC 4180: quote fields holding a comma, quote or line break; double the quotes. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && Number.isNaN(v)) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const SUMMARY_HEADER = [
  'run',
  'created',
  'dataset',
  'model',
  'operator',
  'layers',
  'channels',
  'groups',
  'dropout',
  'lr',
  'epochs',
  'parts',
  'seed',
  'budget_mib',
  'status',
  'params',
  'peak_bytes',
  'ms_per_epoch',
  'metric',
  'best_epoch',
  'best_valid',
  'best_test',
  'message',
];

export function runsSummaryCsv(runs: readonly RunRecord[]): string {
  return toCsv(
    SUMMARY_HEADER,
    runs.map((r) => [
      r.id,
      new Date(r.createdAt).toISOString(),
      r.dataset,
      r.config.model.model,
      r.config.model.op,
      r.config.model.layers,
      r.config.model.channels,
      r.config.model.groups,
      r.config.model.dropout,
      r.config.lr,
      r.config.epochs,
      r.config.parts,
      r.config.seed,
      r.config.budgetMiB,
      r.status,
      r.params,
      r.peakBytes,
      r.msPerEpoch,
      r.metric,
      r.best.epoch || '',
      r.best.valid,
      r.best.test,
      r.message ?? '',
    ]),
  );
}

const CURVE_HEADER = [
  'run',
  'model',
  'layers',
  'epoch',
  'loss',
  'train',
  'valid',
  'test',
  'ms',
  'steps',
  'reconstruction',
  'solver_forward_iterations',
  'solver_backward_iterations',
  'solver_forward_residual',
  'solver_backward_residual',
];

export function runsCurvesCsv(runs: readonly RunRecord[]): string {
  const rows: unknown[][] = [];
  for (const r of runs) {
    for (const e of r.epochs) {
      rows.push([
        r.id,
        r.config.model.model,
        r.config.model.layers,
        e.epoch,
        e.loss,
        e.train,
        e.valid,
        e.test,
        e.ms,
        e.steps,
        e.reconstruction,
        e.solver?.forwardIterations,
        e.solver?.backwardIterations,
        e.solver?.forwardResidual,
        e.solver?.backwardResidual,
      ]);
    }
  }
  return toCsv(CURVE_HEADER, rows);
}

/** Everything, with NaN written as null (JSON has no NaN). */
export function runsJson(runs: readonly RunRecord[]): string {
  return JSON.stringify({ format: 'revgnn-runs', version: 1, runs }, null, 2) + '\n';
}
