// The tour's notes, pinned to the points of the charts they talk about — computed from what is
// drawn, so a note appears only once its point exists.
import type { EpochRecord } from '../../train/trainer';
import { formatBytes } from '../../util/format';
import type { TimelineSeries } from '../../worker/protocol';
import type { Annotation } from '../charts/annotations';
import type { SweepSeries } from '../sweep/sweep-series';

export interface TourNotes {
  loss?: Annotation[];
  sweep?: Annotation[];
  timeline?: Annotation[];
}

export interface TourData {
  /** The run on the charts now. */
  current: { model: string; layers: number; epochs: EpochRecord[]; peakBytes: number } | null;
  sweep: SweepSeries;
  timelines: TimelineSeries[];
}

function lastLoss(epochs: EpochRecord[]): { x: number; y: number } | null {
  const e = epochs.findLast((r) => Number.isFinite(r.loss));
  return e ? { x: e.epoch, y: e.loss } : null;
}

function peakOf(t: TimelineSeries): { x: number; y: number } {
  let best = t.points[0];
  for (const p of t.points) if (p.bytes > best.bytes) best = p;
  return { x: best.x, y: best.bytes };
}

/** The point of `t` in the middle of its first `phase` segment. */
function middleOf(t: TimelineSeries, phase: string): { x: number; y: number } | null {
  const seg = t.segments.find((s) => s.phase === phase);
  if (!seg) return null;
  const mid = (seg.from + seg.to) / 2;
  const p = t.points.findLast((q) => q.x <= mid) ?? t.points[0];
  return p ? { x: p.x, y: p.bytes } : null;
}

/** Notes for tour step `step` (from 1). */
export function tourNotes(step: number, d: TourData): TourNotes {
  const cur = d.current;
  switch (step) {
    case 1: {
      const p = cur && cur.model === 'rev' ? lastLoss(cur.epochs) : null;
      return p
        ? {
            loss: [
              {
                id: 'alike',
                ...p,
                text: 'rev (blue) and res (red-orange) fall together',
                side: 'above-left',
                gap: 56,
              },
            ],
          }
        : {};
    }
    case 5: {
      const p = cur && cur.model === 'rev' && cur.layers > 1000 ? lastLoss(cur.epochs) : null;
      const deep = d.timelines.findLast((t) => t.model === 'rev' && t.layers > 1000);
      const flat = deep ? middleOf(deep, 'backward') : null;
      return {
        ...(p && {
          loss: [
            {
              id: 'deep',
              ...p,
              text: `${cur!.layers} layers, one epoch, peak ${formatBytes(cur!.peakBytes)}`,
              side: 'left' as const,
            },
          ],
        }),
        ...(flat && {
          timeline: [
            {
              id: 'deep-step',
              ...flat,
              text: `rev, ${deep!.layers} layers: still flat`,
              side: 'above' as const,
              gap: 24,
            },
          ],
        }),
      };
    }
    case 3: {
      const notes: Annotation[] = [];
      const oom = d.sweep.ooms.filter((o) => o.model === 'res').sort((a, b) => a.x - b.x)[0];
      if (oom)
        notes.push({
          id: 'oom',
          x: oom.x,
          y: oom.y,
          text: 'res runs out of memory here',
          side: 'below',
        });
      const rev = d.sweep.lines.find((l) => l.model === 'rev')?.points;
      const [first, last] = [rev?.[0], rev?.at(-1)];
      if (first && last && last.x > first.x)
        notes.push({
          id: 'flat',
          x: last.x,
          y: last.y,
          text: `rev: as flat at ${last.x} layers as at ${first.x}`,
          side: 'above-left',
        });
      return notes.length ? { sweep: notes } : {};
    }
    case 4: {
      const notes: Annotation[] = [];
      const res = d.timelines.findLast((t) => t.model === 'res');
      const rev = d.timelines.findLast((t) => t.model === 'rev');
      if (res?.points.length)
        notes.push({
          id: 'climb',
          ...peakOf(res),
          text: 'res: every layer stored by the end of the forward',
          side: 'right',
        });
      const flat = rev ? middleOf(rev, 'backward') : null;
      if (flat)
        notes.push({
          id: 'flat-step',
          ...flat,
          text: 'rev: flat, forward and backward — one layer at a time',
          side: 'above',
          gap: 24,
        });
      return notes.length ? { timeline: notes } : {};
    }
    default:
      return {};
  }
}
