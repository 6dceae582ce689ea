// A depth sweep's row for tests of what the page draws from sweeps: `act` bytes of activations
// at the peak, and `overhead` more (weights, graph…) in the total.
import { zeroByTag } from '../gpu/memory-tags';
import type { SweepRow } from '../worker/protocol';

export function sweepRow(
  model: SweepRow['model'],
  layers: number,
  act: number,
  status: SweepRow['status'] = 'ok',
  overhead = 1000,
): SweepRow {
  return {
    model,
    layers,
    status,
    peakBytes: act + overhead,
    activationBytes: act,
    peakByTag: zeroByTag(),
    params: 1,
    ms: 1,
  };
}
