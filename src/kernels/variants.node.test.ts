// The kernel-variant catalog without a GPU: the `--kernels` syntax and its messages, and what an
// adapter without subgroups may run.
import { describe, expect, it } from 'vitest';
import type { GpuRuntime } from '../gpu/runtime';
import { VariantTable } from '../gpu/variants';
import {
  candidates,
  FAMILY_NAMES,
  formatKernelChoice,
  parseKernelChoice,
  unavailableReason,
  variantOf,
} from './variants';

function stubRuntime(features: string[], wgsl: string[], forced = {}): GpuRuntime {
  return {
    features: new Set(features),
    wgslFeatures: new Set(wgsl),
    variants: new VariantTable({ forced }),
  } as unknown as GpuRuntime;
}

describe('parseKernelChoice', () => {
  it('reads family=variant pairs and keywords', () => {
    expect(parseKernelChoice('gemm=tiled, spmm=rowblock')).toEqual({
      forced: { gemm: 'tiled', spmm: 'rowblock' },
    });
    expect(parseKernelChoice('auto')).toEqual({ forced: {} });
    expect(parseKernelChoice('')).toEqual({ forced: {} });
    expect(parseKernelChoice('tune,gemm-dw=tiled')).toEqual({
      forced: { 'gemm-dw': 'tiled' },
      autotune: 'always',
    });
    const portable = parseKernelChoice('default,norm=subgroup').forced;
    expect(Object.keys(portable).sort()).toEqual([...FAMILY_NAMES].sort());
    expect(portable).toMatchObject({ gemm: 'register', spmm: 'lanes', norm: 'subgroup' });
    expect(formatKernelChoice({ spmm: 'rowblock', gemm: 'tiled' })).toBe(
      'gemm=tiled,spmm=rowblock',
    );
  });

  it('names what it did not understand and what is allowed', () => {
    expect(() => parseKernelChoice('gemm')).toThrow(/"gemm" is neither family=variant/);
    expect(() => parseKernelChoice('gem=tiled')).toThrow(/no kernel family "gem"; families: gemm,/);
    expect(() => parseKernelChoice('spmm=tiled')).toThrow(
      /spmm has no variant "tiled"; it has lanes, rowblock/,
    );
  });
});

describe('availability', () => {
  it('offers subgroup variants only with the subgroups feature and the subgroup_id built-in', () => {
    const full = stubRuntime(['subgroups'], ['subgroup_id']);
    expect(candidates(full, 'reduce')).toEqual(['tree', 'subgroup']);
    const noFeature = stubRuntime([], ['subgroup_id']);
    expect(candidates(noFeature, 'reduce')).toEqual(['tree']);
    expect(unavailableReason(noFeature, 'norm', 'subgroup')).toMatch(/'subgroups' feature/);
    expect(unavailableReason(stubRuntime(['subgroups'], []), 'norm', 'subgroup')).toMatch(
      /subgroup_id/,
    );
    expect(candidates(noFeature, 'gemm')).toEqual(['register', 'tiled']);
  });

  it('refuses, in words, to dispatch a forced variant the adapter cannot run', () => {
    const rt = stubRuntime([], [], { reduce: 'subgroup', gemm: 'tiled' });
    expect(variantOf(rt, 'gemm')).toBe('tiled');
    expect(variantOf(rt, 'spmm')).toBe('lanes');
    expect(() => variantOf(rt, 'reduce')).toThrow(
      /reduce=subgroup cannot run here: the adapter does not offer the 'subgroups' feature/,
    );
  });
});
