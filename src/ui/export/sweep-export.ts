// A depth sweep as files: CSV (one row per model and depth, every tag's bytes at the peak) and
// JSON (what was measured and how).
import { MEMORY_TAGS } from '../../gpu/memory-tags';
import type { SweepRow, SweepSpec } from '../../worker/protocol';
import { toCsv } from './csv';

export function sweepCsv(rows: readonly SweepRow[]): string {
  return toCsv(
    [
      'model',
      'layers',
      'status',
      'peak_bytes',
      'peak_held_bytes',
      'activation_bytes',
      ...MEMORY_TAGS.map((t) => `peak_${t}_bytes`),
      'params',
      'step_ms',
      'message',
    ],
    rows.map((r) => [
      r.model,
      r.layers,
      r.status,
      r.peakBytes,
      r.peakHeldBytes,
      r.activationBytes,
      ...MEMORY_TAGS.map((t) => r.peakByTag[t]),
      r.params,
      r.ms,
      r.message ?? '',
    ]),
  );
}

export function sweepJson(
  spec: SweepSpec | null,
  rows: readonly SweepRow[],
  at: number | null,
): string {
  return (
    JSON.stringify(
      {
        format: 'revgnn-sweep',
        version: 1,
        measuredAt: at === null ? null : new Date(at).toISOString(),
        spec,
        rows,
      },
      null,
      2,
    ) + '\n'
  );
}
