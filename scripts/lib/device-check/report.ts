// The device check's JSON: the engine's figures, the peer's, and the two side by side.
import type { DeviceCheckEngineResult } from '../../../src/headless/device-check.ts';
import type { PeerResult } from './peer.ts';

export interface Comparison {
  label: string;
  engineStepMs: number;
  peerStepMs: number;
  /** engine / peer: below 1 the engine is faster. */
  stepTimeRatio: number;
  /** Engine's peak in use against torch.cuda.max_memory_allocated (engine / peer). */
  engineBytes: number;
  peerBytes: number | null;
  memoryRatio: number | null;
  /** Engine's peak held (pool included) against torch.cuda.max_memory_reserved. */
  engineHeldBytes: number;
  peerReservedBytes: number | null;
  heldRatio: number | null;
}

export function compare(engine: DeviceCheckEngineResult | null, peer: PeerResult): Comparison[] {
  if (!engine) return [];
  const out: Comparison[] = [];
  for (const e of engine.steps) {
    const p = peer.steps.find((s) => s.label === e.label);
    if (e.status !== 'ok' || !p || p.status !== 'ok') continue;
    const ratio = (a: number, b: number | null) => (b ? a / b : null);
    out.push({
      label: e.label,
      engineStepMs: e.stepMs,
      peerStepMs: p.stepMs,
      stepTimeRatio: e.stepMs / p.stepMs,
      engineBytes: e.peakBytes,
      peerBytes: p.maxMemoryAllocated,
      memoryRatio: ratio(e.peakBytes, p.maxMemoryAllocated),
      engineHeldBytes: e.peakHeldBytes,
      peerReservedBytes: p.maxMemoryReserved,
      heldRatio: ratio(e.peakHeldBytes, p.maxMemoryReserved),
    });
  }
  return out;
}
