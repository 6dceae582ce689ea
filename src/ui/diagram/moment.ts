// One instant of a measured training step, as the block diagram needs it: which pass, which
// layer, which group's step ("forward 3 · f1", "backward 3 · inverse 1" as the engine labels its
// allocations) and the bytes in use then. And from that instant, which tensors of the block are
// alive in GPU memory — the reversible coupling keeps only what the step in hand needs, the
// residual block keeps every layer's input and intermediates until the backward reaches it.
import type { TimelineSeries } from '../../worker/protocol';
import type { TimelinePoint } from '../../worker/timeline';
import { coarsePhase } from '../../worker/timeline';

export type GroupAction = 'exchange' | 'f' | 'inverse' | 'grad';

export interface Moment {
  /** Position in the step, 0..1. */
  x: number;
  /** Bytes in use then (measured); null for a schematic moment. */
  bytes: number | null;
  /** setup, encode, forward, head, backward, optimizer… */
  phase: string;
  /** The layer being worked on, from 1; null outside the stack. */
  layer: number | null;
  action: GroupAction | null;
  group: number | null;
  /** The engine's label of the moment, e.g. "backward 3 · inverse 1". */
  label: string;
}

const FINE = /^(forward|backward) (\d+)(?: · (exchange|f(\d+)|inverse (\d+)|grad (\d+)))?$/;

export function parsePhase(label: string): Omit<Moment, 'x' | 'bytes' | 'label'> {
  const m = FINE.exec(label);
  if (!m) return { phase: coarsePhase(label), layer: null, action: null, group: null };
  const [, pass, layer, step, f, inv, grad] = m;
  let action: GroupAction | null = null;
  let group: number | null = null;
  if (step === 'exchange') action = 'exchange';
  else if (f !== undefined) [action, group] = ['f', Number(f)];
  else if (inv !== undefined) [action, group] = ['inverse', Number(inv)];
  else if (grad !== undefined) [action, group] = ['grad', Number(grad)];
  return { phase: pass, layer: Number(layer), action, group };
}

/** The measured point at position x of the step (the last one that began at or before it). */
export function pointAt(series: TimelineSeries, x: number): TimelinePoint | null {
  const pts = series.points;
  if (!pts.length) return null;
  let lo = 0;
  let hi = pts.length - 1;
  if (x <= pts[0].x) return pts[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pts[mid].x <= x) lo = mid;
    else hi = mid - 1;
  }
  return pts[lo];
}

export function momentAt(series: TimelineSeries, x: number): Moment | null {
  const p = pointAt(series, x);
  if (!p) return null;
  return { x: p.x, bytes: p.bytes, label: p.phase || 'setup', ...parsePhase(p.phase) };
}

/** Positions where the labelled moment changes: the stops of an animation through the step. */
export function stops(series: TimelineSeries): number[] {
  const out: number[] = [];
  let last = '\u0000';
  for (const p of series.points)
    if (p.phase !== last) {
      out.push(p.x);
      last = p.phase;
    }
  return out;
}

/** One block's steps in the order the engine runs them (for the schematic animation). */
export function schematic(kind: 'rev' | 'res', groups: number): Moment[] {
  const m = (phase: string, action: GroupAction | null, group: number | null): Moment => ({
    x: 0,
    bytes: null,
    phase,
    layer: null,
    action,
    group,
    label: `${phase}${action ? ` · ${action === 'f' ? `f${group}` : `${action}${group === null ? '' : ` ${group}`}`}` : ''}`,
  });
  if (kind === 'res') return [m('forward', null, null), m('backward', null, null)];
  const out = [m('forward', 'exchange', null)];
  for (let i = 0; i < groups; i++) out.push(m('forward', 'f', i));
  for (let i = groups - 1; i >= 1; i--)
    out.push(m('backward', 'inverse', i), m('backward', 'grad', i));
  out.push(m('backward', 'exchange', null), m('backward', 'inverse', 0), m('backward', 'grad', 0));
  return out;
}

/** What a tensor box of the diagram shows. */
export type Slot = 'absent' | 'alive' | 'active';

export interface RevState {
  /** The input groups x_i (top row): alive, being rebuilt (active) or not in memory. */
  x: Slot[];
  /** The output groups y_i (bottom row). */
  y: Slot[];
  /** The exchange term s = x_1 + … + x_{C−1}. */
  s: Slot;
  /** The group whose f is being evaluated, and how. */
  f: { group: number; mode: 'forward' | 'inverse' | 'grad' } | null;
  /** f's recomputed intermediates and the scratch output (workspace). */
  workspace: boolean;
  /** dL/dy, carried down the backward pass. */
  grad: boolean;
}

/**
 * The reversible block under the reverse policy. Forward: x stays until y is complete, s lives
 * while the groups are updated. Backward: y's buffer is rebuilt into x in place, last group first,
 * so at every moment each group is held once — as y or as x.
 */
export function revState(m: Moment, groups: number): RevState {
  const all = (v: Slot) => Array.from({ length: groups }, () => v);
  const idle: RevState = {
    x: all('absent'),
    y: all('absent'),
    s: 'absent',
    f: null,
    workspace: false,
    grad: false,
  };
  if (m.phase === 'forward') {
    const at = m.action === 'f' ? m.group! : m.action === 'exchange' ? -1 : groups;
    return {
      x: all('alive'),
      y: Array.from({ length: groups }, (_, j) =>
        j < at ? 'alive' : j === at ? 'active' : 'absent',
      ),
      s: m.action === 'exchange' ? 'active' : at < groups ? 'alive' : 'absent',
      f: m.action === 'f' ? { group: m.group!, mode: 'forward' } : null,
      workspace: m.action === 'f',
      grad: false,
    };
  }
  if (m.phase === 'backward') {
    // Groups rebuilt so far: C−1 down to `done`; the exchange comes after group 1 and before 0.
    // A moment with no group step is the block's start (its scratch buffer being made).
    let done = groups;
    let active: number | null = null;
    if (m.action === 'inverse') [done, active] = [m.group! + 1, m.group!];
    else if (m.action === 'grad') done = m.group!;
    else if (m.action === 'exchange') done = 1;
    const x = Array.from({ length: groups }, (_, j): Slot =>
      j === active ? 'active' : j >= done ? 'alive' : 'absent',
    );
    const y = Array.from({ length: groups }, (_, j): Slot =>
      j === active ? 'active' : j < done && j !== active ? 'alive' : 'absent',
    );
    const sLive =
      m.action === 'exchange' ? 'active' : m.action !== null && m.group === 0 ? 'alive' : 'absent';
    return {
      x,
      y,
      s: sLive,
      f: m.action === 'inverse' || m.action === 'grad' ? { group: m.group!, mode: m.action } : null,
      workspace: m.action !== null,
      grad: true,
    };
  }
  return idle;
}

/** What is kept between layers at this moment: one entry per layer, from 1. */
export function keptLayers(kind: 'rev' | 'res', m: Moment, layers: number): Slot[] {
  const out: Slot[] = Array.from({ length: layers }, () => 'absent');
  const l = m.layer;
  if (kind === 'rev') {
    // Only the layer in hand: its output (forward) or the output being inverted (backward).
    if (l !== null) out[l - 1] = 'active';
    else if (m.phase === 'head') out[layers - 1] = 'alive';
    return out;
  }
  if (m.phase === 'forward' && l !== null) {
    for (let i = 0; i < l - 1; i++) out[i] = 'alive';
    out[l - 1] = 'active';
  } else if (m.phase === 'head') out.fill('alive');
  else if (m.phase === 'backward' && l !== null) {
    for (let i = 0; i < l - 1; i++) out[i] = 'alive';
    out[l - 1] = 'active';
  }
  return out;
}
