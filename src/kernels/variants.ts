// The kernel families that come in several variants, what each variant needs from the adapter,
// and the `--kernels gemm=tiled,spmm=rowblock` syntax that forces them. What is fastest on the
// software adapter (register tiles, no barriers) is not what is fastest on a GPU (workgroup-memory
// tiles, subgroups), so each wrapper asks `variantOf` which one to dispatch; the autotuner
// (./autotune.ts) fills the runtime's table by timing them on the adapter.
import type { GpuRuntime } from '../gpu/runtime';
import type { AutotunePolicy, ForcedVariants } from '../gpu/variants';

export interface VariantSpec {
  name: string;
  /** One line for the page and the bench. */
  summary: string;
  /** Why the adapter cannot run it, or null when it can. */
  unavailable?: (rt: GpuRuntime) => string | null;
}

export interface FamilySpec {
  /** What the family computes, in words. */
  summary: string;
  /** The portable variant: correct everywhere, used until something better is timed. */
  fallback: string;
  variants: readonly VariantSpec[];
}

function needsSubgroups(rt: GpuRuntime): string | null {
  if (!rt.features.has('subgroups')) return "the adapter does not offer the 'subgroups' feature";
  if (!rt.wgslFeatures.has('subgroup_id')) {
    return "the browser's WGSL lacks the 'subgroup_id' built-in";
  }
  return null;
}

export const FAMILIES = {
  gemm: {
    summary: 'dense products x·w and dy·wᵀ',
    fallback: 'register',
    variants: [
      { name: 'register', summary: '4×4 outputs per invocation in registers, vec4 loads' },
      { name: 'tiled', summary: '64×64 workgroup tiles staged in workgroup memory' },
    ],
  },
  'gemm-dw': {
    summary: 'weight gradient xᵀ·dy, split-K over the nodes',
    fallback: 'register',
    variants: [
      { name: 'register', summary: '4×4 outputs per invocation per split, vec4 loads' },
      { name: 'tiled', summary: '64×64 workgroup tiles per split in workgroup memory' },
    ],
  },
  spmm: {
    summary: 'sparse × dense neighbourhood sums',
    fallback: 'lanes',
    variants: [
      { name: 'lanes', summary: 'one invocation per row and 8 channels' },
      {
        name: 'rowblock',
        summary: 'a workgroup per row block, each row’s entries cached in workgroup memory',
      },
    ],
  },
  reduce: {
    summary: 'sums, dot products and norms to one value',
    fallback: 'tree',
    variants: [
      { name: 'tree', summary: 'workgroup-memory tree' },
      {
        name: 'subgroup',
        summary: 'subgroupAdd, then one value per subgroup',
        unavailable: needsSubgroups,
      },
    ],
  },
  norm: {
    summary: 'LayerNorm forward and backward',
    fallback: 'row',
    variants: [
      { name: 'row', summary: 'one invocation per row' },
      {
        name: 'subgroup',
        summary: 'one subgroup per row, subgroupAdd statistics',
        unavailable: needsSubgroups,
      },
    ],
  },
} as const satisfies Record<string, FamilySpec>;

export type Family = keyof typeof FAMILIES;
export type VariantName<F extends Family> = (typeof FAMILIES)[F]['variants'][number]['name'];

export const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];

export function variantNames<F extends Family>(family: F): VariantName<F>[] {
  return FAMILIES[family].variants.map((v) => v.name) as VariantName<F>[];
}

function spec(family: Family, variant: string): VariantSpec | undefined {
  return (FAMILIES[family].variants as readonly VariantSpec[]).find((v) => v.name === variant);
}

/** Why `variant` of `family` cannot run on this runtime's adapter, or null. */
export function unavailableReason(rt: GpuRuntime, family: Family, variant: string): string | null {
  const s = spec(family, variant);
  if (!s) return `${family} has no variant "${variant}"`;
  return s.unavailable?.(rt) ?? null;
}

/** The variants of `family` this adapter can run, the portable one first. */
export function candidates<F extends Family>(rt: GpuRuntime, family: F): VariantName<F>[] {
  return variantNames(family).filter((v) => !unavailableReason(rt, family, v));
}

const checked = new WeakMap<GpuRuntime, Set<string>>();

/**
 * The variant a wrapper dispatches for `family`: the runtime's choice, else the portable one. A
 * choice the adapter cannot run (a forced subgroup kernel without subgroups) fails here, in words,
 * rather than as a shader compilation error.
 */
export function variantOf<F extends Family>(rt: GpuRuntime, family: F): VariantName<F> {
  const v = rt.variants.get(family) ?? FAMILIES[family].fallback;
  const key = `${family}=${v}`;
  let ok = checked.get(rt);
  if (!ok) checked.set(rt, (ok = new Set()));
  if (!ok.has(key)) {
    const why = unavailableReason(rt, family, v);
    if (why) throw new Error(`Kernel variant ${key} cannot run here: ${why}.`);
    ok.add(key);
  }
  return v as VariantName<F>;
}

export interface KernelChoice {
  forced: ForcedVariants;
  /** Set by the `tune` keyword: time candidates even on a software adapter. */
  autotune?: AutotunePolicy;
}

/**
 * Parses the CLI's `--kernels` and the page's `?kernels=`: a comma list of `family=variant`
 * (e.g. `gemm=tiled,spmm=rowblock`; the other families are tuned) and keywords — `auto` (the
 * default: tune on a hardware adapter), `tune` (tune even on a software adapter), `default` (every
 * family not named pinned to its portable variant: nothing is timed). Throws a message naming
 * the part not understood and what is allowed.
 */
export function parseKernelChoice(text: string): KernelChoice {
  const forced: Record<string, string> = {};
  let autotune: AutotunePolicy | undefined;
  let portable = false;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '' || part === 'auto') continue;
    if (part === 'tune') {
      autotune = 'always';
      continue;
    }
    if (part === 'default') {
      portable = true;
      continue;
    }
    const m = /^([\w-]+)\s*=\s*([\w-]+)$/.exec(part);
    if (!m) {
      throw new Error(
        `Kernel choice "${part}" is neither family=variant (e.g. gemm=tiled) nor one of ` +
          'auto, tune, default.',
      );
    }
    const [, family, variant] = m;
    if (!(family in FAMILIES)) {
      throw new Error(
        `Kernel choice "${part}": no kernel family "${family}"; families: ${FAMILY_NAMES.join(', ')}.`,
      );
    }
    const names: string[] = variantNames(family as Family);
    if (!names.includes(variant)) {
      throw new Error(
        `Kernel choice "${part}": ${family} has no variant "${variant}"; it has ${names.join(', ')}.`,
      );
    }
    forced[family] = variant;
  }
  if (portable) for (const f of FAMILY_NAMES) forced[f] ??= FAMILIES[f].fallback;
  return autotune ? { forced, autotune } : { forced };
}

/** `family=variant` pairs in a stable order (the inverse of parseKernelChoice's pairs). */
export function formatKernelChoice(forced: ForcedVariants): string {
  return FAMILY_NAMES.filter((f) => forced[f])
    .map((f) => `${f}=${forced[f]}`)
    .join(',');
}
