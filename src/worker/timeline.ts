// A training step's allocation events reduced to what a chart can carry: a deep network makes
// tens of thousands of events, the page needs a few hundred points and where each phase begins.
// x is the position in the step (0..1) so steps of different depths overlay on one axis.
import type { MemoryEvent } from '../gpu/tracked-allocator';

export interface TimelinePoint {
  /** Position in the step, 0..1 (event index / event count). */
  x: number;
  /** The most bytes in use within this point's slice of events. */
  bytes: number;
  /** The fine phase at that maximum, e.g. "forward 17". */
  phase: string;
}

export interface TimelineSegment {
  phase: string;
  from: number;
  to: number;
}

export interface TimelineSeries {
  label: string;
  model: string;
  layers: number;
  /** 'run': a step of a training run; 'probe': one step measured on a fresh device. */
  source: 'run' | 'probe';
  /** The reversible coupling's groups C (absent in series kept from before it was recorded). */
  groups?: number;
  points: TimelinePoint[];
  /** Consecutive events of one coarse phase (setup, encode, forward, head, backward, optimizer…). */
  segments: TimelineSegment[];
  peakBytes: number;
  startBytes: number;
  events: number;
}

/**
 * "forward 17" → "forward", "backward: F at the fixed point" → "backward"; the encoder's backward
 * and a warm-up's passes belong to the backward / forward pass.
 */
export function coarsePhase(phase: string): string {
  if (!phase) return 'setup';
  if (phase === 'encode backward') return 'backward';
  const words = phase.split(/[\s:]+/).filter(Boolean);
  return (words[0] === 'warm-up' && words[1]) || words[0] || 'setup';
}

export function reduceTimeline(
  events: readonly MemoryEvent[],
  meta: Pick<TimelineSeries, 'label' | 'model' | 'layers' | 'source' | 'groups'>,
  maxPoints = 600,
): TimelineSeries {
  const n = events.length;
  const points: TimelinePoint[] = [];
  const segments: TimelineSegment[] = [];
  let peak = 0;
  if (n === 0) return { ...meta, points, segments, peakBytes: 0, startBytes: 0, events: 0 };
  const buckets = Math.min(n, maxPoints);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let best = events[lo];
    for (let i = lo + 1; i < hi; i++) if (events[i].inUseBytes > best.inUseBytes) best = events[i];
    points.push({ x: lo / n, bytes: best.inUseBytes, phase: best.phase });
    if (best.inUseBytes > peak) peak = best.inUseBytes;
  }
  // The last event closes the step: keep where it ends, not only its slice's maximum.
  points.push({ x: 1, bytes: events[n - 1].inUseBytes, phase: events[n - 1].phase });
  // An untagged event inside the step (a solver resets the phase when it returns) belongs to the
  // phase before it; only before any phase is it setup.
  const coarse: string[] = [];
  for (let i = 0; i < n; i++)
    coarse.push(events[i].phase || i === 0 ? coarsePhase(events[i].phase) : coarse[i - 1]);
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || coarse[i] !== coarse[start]) {
      segments.push({ phase: coarse[start], from: start / n, to: i / n });
      start = i;
    }
  }
  return {
    ...meta,
    points,
    segments,
    peakBytes: peak,
    startBytes: events[0].inUseBytes,
    events: n,
  };
}
