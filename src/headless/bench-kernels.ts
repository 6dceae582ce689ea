// Kernel benchmark at GNN shapes (N nodes × D channels, square D×D weights): every variant of
// every kernel family this adapter runs (src/kernels/bench-variants.ts) — the GEMMs against the
// naive one-output-per-invocation GEMM, the memory-bound kernels against a flat copy as the
// bandwidth roofline. Each figure is the mean over repetitions after a warm-up, timed with GPU
// timestamps where the adapter has them (src/kernels/time-calls.ts).
import { GpuRuntime } from '../gpu/runtime';
import type { AdapterSummary } from '../gpu/device';
import { matmulNaive } from '../kernels/gemm';
import { copyFlat4 } from '../kernels/copy';
import {
  benchVariants,
  variantMeasurements,
  type VariantThroughput,
} from '../kernels/bench-variants';
import { timeCalls } from '../kernels/time-calls';
import { FAMILIES, type Family } from '../kernels/variants';
import type { ProgressFn } from './types';

export interface BenchKernelsArgs {
  /** Nodes (rows of the activations); default 10 000. */
  rows?: number;
  /** Channel widths D; default [64, 128, 256]. */
  channels?: number[];
  /** Time to spend on the repetitions of one measurement (after warm-up); default 1000 ms. */
  targetMs?: number;
  /** Floats in each buffer of the copy roofline; default 16 M (64 MiB). */
  copyFloats?: number;
}

export interface GemmBenchRow {
  rows: number;
  channels: number;
  gflops: number;
  /** Mean time of one call. */
  ms: number;
  reps: number;
}

/** Sparse × dense aggregation, one row per (graph, width). */
export interface SpmmBenchRow {
  rows: number;
  nnz: number;
  channels: number;
  gbps: number;
}

export interface KernelBenchResult {
  adapter: AdapterSummary;
  date: string;
  /** A software adapter (SwiftShader): the figures measure a CPU, not a GPU. */
  software: boolean;
  /** 'gpu': timestamp queries; 'cpu': wall time to queue completion (includes submit overhead). */
  timing: 'gpu' | 'cpu';
  /** Forward out = x·w (N×D · D×D), the portable (register-tiled) variant. */
  gemm: GemmBenchRow[];
  /** The same product, one output per invocation: the baseline the tiled kernels must beat. */
  gemmNaive: GemmBenchRow[];
  /** Weight gradient dw = xᵀ·dy (split-K over N), portable variant. */
  gemmTransA: GemmBenchRow[];
  /** Input gradient dx = dy·wᵀ, portable variant. */
  gemmTransB: GemmBenchRow[];
  /** Flat vec4 copy; bytes counts reads and writes. */
  copy: { gbps: number; bytes: number; ms: number; reps: number };
  /** Sparse × dense aggregation (weighted CSR), effective GB/s, portable variant. */
  spmm: SpmmBenchRow[];
  /** Every variant of every family this adapter runs (the portable rows above among them). */
  variants: VariantThroughput[];
}

/** Mean in-edges per node of the SpMM graph: citation graphs and ogbn-arxiv have about 10. */
const SPMM_DEGREE = 10;

export async function benchKernels(
  args: BenchKernelsArgs,
  progress: ProgressFn,
): Promise<KernelBenchResult> {
  const rows = args.rows ?? 10_000;
  const channels = args.channels ?? [64, 128, 256];
  const targetMs = args.targetMs ?? 1000;
  const copyFloats = args.copyFloats ?? 16 * 1024 * 1024;
  for (const [what, v] of [
    ['rows', rows],
    ['copyFloats', copyFloats],
    ...channels.map((c) => ['channels', c] as const),
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new Error(`bench-kernels: ${what} must be a positive integer, got ${v}.`);
  }
  const rt = await GpuRuntime.create();
  let done = 0;
  const total = channels.length + 1 + variantMeasurements(rt, channels.length);
  const step = (label: string) => progress({ label, done: done++, total });
  try {
    const gemmNaive: GemmBenchRow[] = [];
    for (const d of channels) {
      step(`gemm naive ${rows}×${d}·${d}×${d}`);
      const x = rt.upload(pseudoRandom(rows * d, 1), rows, d, 'io');
      const w = rt.upload(pseudoRandom(d * d, 2), d, d, 'io');
      const y = rt.tensor(rows, d, 'io');
      const t = await timeCalls(rt, () => matmulNaive(rt, x, w, y), { targetMs });
      gemmNaive.push({
        rows,
        channels: d,
        gflops: (2 * rows * d * d) / (t.ms * 1e6),
        ms: t.ms,
        reps: t.reps,
      });
      rt.release(x, w, y);
    }
    step(`copy ${copyFloats} floats`);
    const copy = await benchCopy(rt, copyFloats, targetMs);
    const variants = await benchVariants(rt, {
      rows,
      channels,
      degree: SPMM_DEGREE,
      targetMs,
      step,
    });
    progress({ label: 'done', done: total, total });
    await rt.allocator.checkDeviceErrors();
    if (rt.errors.length)
      throw new Error(`GPU errors: ${rt.errors.map((e) => e.message).join('; ')}`);
    const portable = (family: Family, op: string) =>
      variants.filter(
        (v) => v.family === family && v.variant === FAMILIES[family].fallback && v.op === op,
      );
    const gemmRows = (family: Family, op: string): GemmBenchRow[] =>
      portable(family, op).map((v) => ({
        rows: v.rows,
        channels: v.channels,
        gflops: v.value,
        ms: v.ms,
        reps: v.reps,
      }));
    return {
      adapter: rt.adapterInfo,
      date: new Date().toISOString(),
      software: rt.adapterInfo.isFallback,
      timing: rt.hasTimestamps ? 'gpu' : 'cpu',
      gemm: gemmRows('gemm', 'x·w'),
      gemmNaive,
      gemmTransA: gemmRows('gemm-dw', 'xᵀ·dy (split-K)'),
      gemmTransB: gemmRows('gemm', 'dy·wᵀ'),
      copy,
      spmm: portable('spmm', 'A·x').map((v) => ({
        rows: v.rows,
        nnz: v.nnz ?? 0,
        channels: v.channels,
        gbps: v.value,
      })),
      variants,
    };
  } finally {
    rt.destroy();
  }
}

async function benchCopy(rt: GpuRuntime, floats: number, targetMs: number) {
  const n4 = Math.ceil(floats / 4);
  const src = rt.tensor(n4, 4, 'io', { zero: true });
  const dst = rt.tensor(n4, 4, 'io');
  const t = await timeCalls(rt, () => copyFlat4(rt, src, dst, n4), { targetMs });
  rt.release(src, dst);
  const bytes = 2 * n4 * 16;
  return { gbps: bytes / (t.ms * 1e6), bytes, ms: t.ms, reps: t.reps };
}

/** Deterministic inputs in [-1, 1): values do not change kernel speed, but NaN-free data is tidier. */
function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}
