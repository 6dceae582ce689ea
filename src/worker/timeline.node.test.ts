import { describe, expect, it } from 'vitest';
import type { MemoryEvent } from '../gpu/tracked-allocator';
import { coarsePhase, reduceTimeline } from './timeline';

function ev(phase: string, inUseBytes: number, seq: number): MemoryEvent {
  return {
    seq,
    timeMs: seq,
    kind: 'alloc',
    tag: 'activations',
    bytes: 4,
    phase,
    label: '',
    liveBytes: inUseBytes,
    inUseBytes,
  };
}

describe('a step timeline for the chart', () => {
  it('names coarse phases', () => {
    expect(coarsePhase('forward 17')).toBe('forward');
    expect(coarsePhase('encode backward')).toBe('backward');
    expect(coarsePhase('')).toBe('setup');
    expect(coarsePhase('optimizer')).toBe('optimizer');
    expect(coarsePhase('backward: F at the fixed point')).toBe('backward');
    expect(coarsePhase('warm-up forward 3')).toBe('forward');
    expect(coarsePhase('forward solve 12')).toBe('forward');
  });

  it('keeps the peak and the phase boundaries while cutting the points', () => {
    const events: MemoryEvent[] = [];
    let bytes = 100;
    for (let l = 1; l <= 500; l++) events.push(ev(`forward ${l}`, (bytes += 10), events.length));
    events.push(ev('head', bytes + 5, events.length));
    for (let l = 500; l >= 1; l--) events.push(ev(`backward ${l}`, (bytes -= 10), events.length));
    events.push(ev('optimizer', 100, events.length));
    const s = reduceTimeline(
      events,
      { label: 'res', model: 'res', layers: 500, source: 'probe' },
      50,
    );
    expect(s.points.length).toBeLessThanOrEqual(51);
    expect(s.peakBytes).toBe(100 + 5000 + 5);
    expect(s.points.at(-1)).toEqual({ x: 1, bytes: 100, phase: 'optimizer' });
    expect(s.segments.map((g) => g.phase)).toEqual(['forward', 'head', 'backward', 'optimizer']);
    expect(s.segments[0].from).toBe(0);
    expect(s.segments.at(-1)!.to).toBe(1);
    expect(s.events).toBe(1002);
  });

  it('an untagged stretch inside the step belongs to the phase before it', () => {
    const events = [
      ev('', 1, 0),
      ev('encode', 2, 1),
      ev('forward solve 1', 3, 2),
      ev('', 3, 3),
      ev('head', 4, 4),
    ];
    const s = reduceTimeline(events, { label: '', model: 'deq', layers: 1, source: 'probe' });
    expect(s.segments.map((g) => g.phase)).toEqual(['setup', 'encode', 'forward', 'head']);
  });

  it('an empty timeline is empty, not an error', () => {
    const s = reduceTimeline([], { label: '', model: 'rev', layers: 1, source: 'run' });
    expect(s.points).toEqual([]);
    expect(s.peakBytes).toBe(0);
  });
});
