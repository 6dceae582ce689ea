// The whole configuration lives in the address (TensorFlow-Playground style), so a link
// reproduces a run's set-up, seed included. Parsing is defensive: anything not understood falls
// back to its default and is reported in words; values that parse but cannot run (e.g. one group
// for a reversible model) are kept, so the page can explain them beside their control.
import type { DatasetRef } from '../../graph/catalog';
import {
  DEFAULT_MODEL,
  FEATURE_PREPS,
  GEN_AGGREGATIONS,
  MODEL_KINDS,
  OP_KINDS,
  SOLVER_METHODS,
  type ModelConfig,
} from '../../models/config';
import { isRecipeName, RECIPE_NAMES } from '../../train/recipes';
import {
  DEFAULT_RUN,
  DEFAULT_SWEEP,
  withRecipe,
  type RunConfig,
  type SweepConfig,
} from './run-config';

export interface PageState {
  run: RunConfig;
  sweep: SweepConfig;
  /** Teaching mode: charts and explanations without the controls. */
  embed: boolean;
  /** Classroom view: the two key charts side by side in large type, no controls. */
  present: boolean;
  /** The guided tour's step (from 1); null when the tour is closed. */
  tour: number | null;
}

export const DEFAULT_PAGE: PageState = {
  run: DEFAULT_RUN,
  sweep: DEFAULT_SWEEP,
  embed: false,
  present: false,
  tour: null,
};

/** Allowed values of the model's word-valued fields; other string fields pass through. */
const CHOICES: Record<string, readonly string[]> = {
  model: MODEL_KINDS,
  op: OP_KINDS,
  aggregation: GEN_AGGREGATIONS,
  tying: ['first-untied', 'all'],
};

/** Model fields that stay out of the address (test-only overrides). */
const HIDDEN_MODEL_KEYS = new Set(['policy']);

/** Optional numeric model fields (deq's solver settings): in the address only when set. */
const OPTIONAL_MODEL_NUMBERS = ['tolerance', 'warmupSteps', 'jacobianPenalty', 'inputDropout'];

/** Optional word-valued model fields: in the address only when set. */
const OPTIONAL_MODEL_CHOICES: Record<string, readonly string[]> = {
  features: FEATURE_PREPS,
  solver: SOLVER_METHODS,
};

/** Optional run fields (absent: their defaults). */
const OPTIONAL_RUN_NUMBERS = ['weightDecay', 'clip', 'patience', 'repeats'] as const;
const OPTIONAL_RUN_CHOICES = { weightDecayScope: ['all', 'first-layer'] } as const;

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
  for (const k of [
    ...modelKeys(),
    ...OPTIONAL_MODEL_NUMBERS,
    ...Object.keys(OPTIONAL_MODEL_CHOICES),
  ])
    if (m[k] !== undefined) q.set(k, String(m[k]));
  q.set('epochs', String(run.epochs));
  q.set('lr', String(run.lr));
  q.set('parts', String(run.parts));
  if (run.evalParts !== 1) q.set('evalParts', String(run.evalParts));
  if (run.evalViews !== 1) q.set('evalViews', String(run.evalViews));
  q.set('seed', String(run.seed));
  if (run.budgetMiB !== null) q.set('budget', String(run.budgetMiB));
  for (const k of [...OPTIONAL_RUN_NUMBERS, ...Object.keys(OPTIONAL_RUN_CHOICES)] as const) {
    const v = run[k as keyof RunConfig];
    if (v !== undefined) q.set(k, String(v));
  }
  q.set('sweep', s.sweep.models.join(','));
  q.set('depths', s.sweep.depths.join(','));
  if (s.embed) q.set('embed', '1');
  if (s.present) q.set('present', '1');
  if (s.tour !== null) q.set('tour', String(s.tour));
  return q.toString();
}

/** The tour step in the address: a whole number from 1, else the tour stays closed. */
function tourStep(raw: string | null, notes: string[]): number | null {
  if (raw === null || raw === '') return null;
  const v = Number(raw);
  if (Number.isInteger(v) && v >= 1) return v;
  notes.push(`"tour=${raw}" is not a step number; the tour stays closed.`);
  return null;
}

export interface Decoded {
  state: PageState;
  /** What was not understood and what was used instead, in words. */
  notes: string[];
}

export function decodeState(query: string): Decoded {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const notes: string[] = [];
  const flag = (key: string) => q.get(key) === '1' || q.get(key) === 'true';
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

  // ?recipe=NAME starts from the recipe's settings; fields given in the address override them.
  let base: RunConfig = DEFAULT_RUN;
  const rawRecipe = q.get('recipe');
  if (rawRecipe !== null) {
    if (isRecipeName(rawRecipe)) base = withRecipe(DEFAULT_RUN, rawRecipe);
    else fallback('recipe', rawRecipe, 'no recipe', `is not one of ${RECIPE_NAMES.join(', ')}`);
  }

  const model = { ...base.model } as unknown as Record<string, unknown>;
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
  const extras: Partial<RunConfig> = {};
  const choice = (target: Record<string, unknown>, choices: Record<string, readonly string[]>) => {
    for (const [k, allowed] of Object.entries(choices)) {
      const raw = q.get(k);
      if (raw === null) continue;
      if (allowed.includes(raw)) target[k] = raw;
      else fallback(k, raw, 'the default', `is not one of ${allowed.join(', ')}`);
    }
  };
  choice(model, OPTIONAL_MODEL_CHOICES);
  choice(extras as Record<string, unknown>, OPTIONAL_RUN_CHOICES);
  for (const k of OPTIONAL_RUN_NUMBERS) {
    const raw = q.get(k);
    if (raw === null || raw.trim() === '') continue;
    const v = Number(raw);
    if (Number.isFinite(v)) extras[k] = v;
    else fallback(k, raw, 'the default', 'is not a number');
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
        ...base,
        dataset,
        shards,
        model: model as unknown as ModelConfig,
        epochs: num('epochs', base.epochs),
        lr: num('lr', base.lr),
        parts: num('parts', base.parts),
        evalParts: num('evalParts', base.evalParts),
        evalViews: num('evalViews', base.evalViews),
        seed: num('seed', base.seed),
        budgetMiB,
        ...extras,
      },
      sweep,
      embed: flag('embed'),
      present: flag('present'),
      tour: tourStep(q.get('tour'), notes),
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
