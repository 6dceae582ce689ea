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

/** The point of `t` in the middle of its first forward segment. */
function midForward(t: TimelineSeries): { x: number; y: number } | null {
  const seg = t.segments.find((s) => s.phase === 'forward');
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
              },
            ],
          }
        : {};
    }
    case 5: {
      const p = cur && cur.model === 'rev' && cur.layers > 1000 ? lastLoss(cur.epochs) : null;
      const text = `${cur?.layers} layers, one epoch, peak ${formatBytes(cur?.peakBytes ?? 0)}`;
      return p ? { loss: [{ id: 'deep', ...p, text, side: 'left' }] } : {};
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
          side: 'left',
        });
      const rev = d.sweep.lines.find((l) => l.model === 'rev')?.points.at(-1);
      if (rev)
        notes.push({
          id: 'flat',
          x: rev.x,
          y: rev.y,
          text: 'rev: as flat at 128 layers as at 2',
          side: 'above',
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
      const flat = rev ? midForward(rev) : null;
      if (flat)
        notes.push({
          id: 'flat-step',
          ...flat,
          text: 'rev: flat, one layer at a time',
          side: 'above',
        });
      return notes.length ? { timeline: notes } : {};
    }
    default:
      return {};
  }
}
