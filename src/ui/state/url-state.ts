// The whole configuration lives in the address (TensorFlow-Playground style), so a link
// reproduces a run's set-up, seed included. Parsing is defensive: anything not understood falls
// back to its default and is reported in words; values that parse but cannot run (e.g. one group
// for a reversible model) are kept, so the page can explain them beside their control.
import type { DatasetRef } from '../../graph/catalog';
import { DEFAULT_MODEL, MODEL_KINDS, OP_KINDS, type ModelConfig } from '../../models/config';
import { DEFAULT_RUN, DEFAULT_SWEEP, type RunConfig, type SweepConfig } from './run-config';

export interface PageState {
  run: RunConfig;
  sweep: SweepConfig;
  /** Teaching mode: charts and explanations without the controls. */
  embed: boolean;
}

export const DEFAULT_PAGE: PageState = { run: DEFAULT_RUN, sweep: DEFAULT_SWEEP, embed: false };

/** Allowed values of the model's word-valued fields; other string fields pass through. */
const CHOICES: Record<string, readonly string[]> = {
  model: MODEL_KINDS,
  op: OP_KINDS,
  aggregation: ['softmax', 'max'],
  tying: ['first-untied', 'all'],
};

/** Model fields that stay out of the address (test-only overrides). */
const HIDDEN_MODEL_KEYS = new Set(['policy']);

/** Optional numeric model fields (deq's solver settings): in the address only when set. */
const OPTIONAL_MODEL_NUMBERS = ['tolerance', 'warmupSteps'];

function modelKeys(): string[] {
  return Object.keys(DEFAULT_MODEL).filter((k) => !HIDDEN_MODEL_KEYS.has(k));
}

function encodeRef(ref: DatasetRef): string {
  return ref.kind === 'builtin' ? ref.name : `stored:${ref.id}`;
}

function decodeRef(v: string): DatasetRef | null {
  if (v.startsWith('stored:')) return v.length > 7 ? { kind: 'stored', id: v.slice(7) } : null;
  return /^[A-Za-z0-9._-]+$/.test(v) ? { kind: 'builtin', name: v } : null;
}

export function encodeState(s: PageState): string {
  const q = new URLSearchParams();
  const { run } = s;
  q.set('data', encodeRef(run.dataset));
  q.set('shards', run.shards === null ? 'all' : run.shards.length ? run.shards.join(',') : 'none');
  const m = run.model as unknown as Record<string, unknown>;
  for (const k of [...modelKeys(), ...OPTIONAL_MODEL_NUMBERS])
    if (m[k] !== undefined) q.set(k, String(m[k]));
  q.set('epochs', String(run.epochs));
  q.set('lr', String(run.lr));
  q.set('parts', String(run.parts));
  if (run.evalParts !== 1) q.set('evalParts', String(run.evalParts));
  if (run.evalViews !== 1) q.set('evalViews', String(run.evalViews));
  q.set('seed', String(run.seed));
  if (run.budgetMiB !== null) q.set('budget', String(run.budgetMiB));
  q.set('sweep', s.sweep.models.join(','));
  q.set('depths', s.sweep.depths.join(','));
  if (s.embed) q.set('embed', '1');
  return q.toString();
}

export interface Decoded {
  state: PageState;
  /** What was not understood and what was used instead, in words. */
  notes: string[];
}

export function decodeState(query: string): Decoded {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const notes: string[] = [];
  const fallback = (key: string, raw: string, used: unknown, why: string) =>
    notes.push(`"${key}=${raw}" ${why}; using ${String(used)}.`);

  const num = (key: string, def: number): number => {
    const raw = q.get(key);
    if (raw === null || raw.trim() === '') return def;
    const v = Number(raw);
    if (!Number.isFinite(v)) {
      fallback(key, raw, def, 'is not a number');
      return def;
    }
    return v;
  };

  let dataset = DEFAULT_RUN.dataset;
  const rawData = q.get('data');
  if (rawData !== null) {
    const ref = decodeRef(rawData);
    if (ref) dataset = ref;
    else fallback('data', rawData, encodeRef(dataset), 'is not a dataset name');
  }

  let shards: number[] | null = null;
  const rawShards = q.get('shards');
  if (rawShards !== null && rawShards !== 'all') {
    if (rawShards === 'none') shards = [];
    else {
      const list = rawShards.split(',').map((x) => Number(x.trim()));
      if (list.every((x) => Number.isInteger(x) && x >= 0))
        shards = [...new Set(list)].sort((a, b) => a - b);
      else fallback('shards', rawShards, 'all shards', 'is not a list of shard numbers');
    }
  }

  const model = { ...DEFAULT_RUN.model } as unknown as Record<string, unknown>;
  for (const k of modelKeys()) {
    const raw = q.get(k);
    if (raw === null) continue;
    const def = model[k];
    if (typeof def === 'number') model[k] = num(k, def);
    else if (typeof def === 'boolean') {
      if (raw === 'true' || raw === 'false') model[k] = raw === 'true';
      else fallback(k, raw, def, 'is neither true nor false');
    } else if (typeof def === 'string') {
      const allowed = CHOICES[k];
      if (!allowed || allowed.includes(raw)) model[k] = raw;
      else fallback(k, raw, def, `is not one of ${allowed.join(', ')}`);
    }
  }

  for (const k of OPTIONAL_MODEL_NUMBERS) {
    const raw = q.get(k);
    if (raw === null || raw.trim() === '') continue;
    const v = Number(raw);
    if (Number.isFinite(v)) model[k] = v;
    else fallback(k, raw, 'the model default', 'is not a number');
  }

  let budgetMiB: number | null = null;
  const rawBudget = q.get('budget');
  if (rawBudget !== null && rawBudget !== '' && rawBudget !== 'none') {
    const v = Number(rawBudget);
    if (Number.isFinite(v)) budgetMiB = v;
    else fallback('budget', rawBudget, 'no budget', 'is not a number of MiB');
  }

  const sweep: SweepConfig = { ...DEFAULT_SWEEP };
  const rawSweep = q.get('sweep');
  if (rawSweep !== null) {
    const list = rawSweep.split(',').filter(Boolean);
    const known = list.filter((m) => (MODEL_KINDS as readonly string[]).includes(m));
    if (known.length < list.length)
      fallback('sweep', rawSweep, known.join(',') || 'none', 'names unknown models');
    sweep.models = known as SweepConfig['models'];
  }
  const rawDepths = q.get('depths');
  if (rawDepths !== null) {
    const depths = parseDepths(rawDepths);
    if (depths) sweep.depths = depths;
    else fallback('depths', rawDepths, sweep.depths.join(','), 'is not a list of depths');
  }

  return {
    state: {
      run: {
        dataset,
        shards,
        model: model as unknown as ModelConfig,
        epochs: num('epochs', DEFAULT_RUN.epochs),
        lr: num('lr', DEFAULT_RUN.lr),
        parts: num('parts', DEFAULT_RUN.parts),
        evalParts: num('evalParts', DEFAULT_RUN.evalParts),
        evalViews: num('evalViews', DEFAULT_RUN.evalViews),
        seed: num('seed', DEFAULT_RUN.seed),
        budgetMiB,
      },
      sweep,
      embed: q.get('embed') === '1' || q.get('embed') === 'true',
    },
    notes,
  };
}

/** "2, 8 32;128" → [2, 8, 32, 128]; null when any item is not a whole number ≥ 1. */
export function parseDepths(text: string): number[] | null {
  const items = text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) return [];
  const depths = items.map(Number);
  if (!depths.every((d) => Number.isInteger(d) && d >= 1)) return null;
  return [...new Set(depths)].sort((a, b) => a - b);
}
