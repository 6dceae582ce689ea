// Kernel benchmark at GNN shapes (N nodes × D channels, square D×D weights): the register-tiled
// GEMM and its backward products against the naive one-output-per-invocation GEMM, and a flat copy
// as the bandwidth roofline. Each figure is the mean over repetitions after a warm-up, timed with
// GPU timestamps where the adapter has them.
import { GpuRuntime } from '../gpu/runtime';
import type { AdapterSummary } from '../gpu/device';
import { matmul, matmulNaive, matmulTransA, matmulTransB } from '../kernels/gemm';
import { copyFlat4 } from '../kernels/copy';
import { releaseCsr, uploadCsr } from '../kernels/csr-gpu';
import { spmm } from '../kernels/spmm';
import { randomCsr } from '../reference/sparse';
import type { ProgressFn } from './types';

export interface BenchKernelsArgs {
  /** Nodes (rows of the activations); default 10 000. */
  rows?: number;
  /** Channel widths D; default [32, 64, 128]. */
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
  /** Forward out = x·w (N×D · D×D), register-tiled. */
  gemm: GemmBenchRow[];
  /** The same product, one output per invocation: the baseline the tiled kernel must beat. */
  gemmNaive: GemmBenchRow[];
  /** Weight gradient dw = xᵀ·dy (split-K over N). */
  gemmTransA: GemmBenchRow[];
  /** Input gradient dx = dy·wᵀ. */
  gemmTransB: GemmBenchRow[];
  /** Flat vec4 copy; bytes counts reads and writes. */
  copy: { gbps: number; bytes: number; ms: number; reps: number };
  /** Sparse × dense aggregation (weighted CSR), effective GB/s. */
  spmm: SpmmBenchRow[];
}

const MIN_REPS = 2;
const MAX_REPS = 200;

export async function benchKernels(
  args: BenchKernelsArgs,
  progress: ProgressFn,
): Promise<KernelBenchResult> {
  const rows = args.rows ?? 10_000;
  const channels = args.channels ?? [32, 64, 128];
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
  const total = channels.length * 5 + 1;
  let done = 0;
  const step = (label: string) => progress({ label, done: done++, total });
  try {
    const result: KernelBenchResult = {
      adapter: rt.adapterInfo,
      date: new Date().toISOString(),
      software: rt.adapterInfo.isFallback,
      timing: rt.hasTimestamps ? 'gpu' : 'cpu',
      gemm: [],
      gemmNaive: [],
      gemmTransA: [],
      gemmTransB: [],
      copy: { gbps: 0, bytes: 0, ms: 0, reps: 0 },
      spmm: [],
    };
    for (const d of channels) {
      const x = rt.upload(pseudoRandom(rows * d, 1), rows, d, 'io');
      const w = rt.upload(pseudoRandom(d * d, 2), d, d, 'io');
      const y = rt.tensor(rows, d, 'io');
      const g = rt.upload(pseudoRandom(rows * d, 3), rows, d, 'io');
      const dw = rt.tensor(d, d, 'io');
      const flops = 2 * rows * d * d;
      const row = async (label: string, run: () => void): Promise<GemmBenchRow> => {
        step(`${label} ${rows}×${d}·${d}×${d}`);
        const t = await measure(rt, run, targetMs);
        return { rows, channels: d, gflops: flops / (t.ms * 1e6), ms: t.ms, reps: t.reps };
      };
      result.gemm.push(await row('gemm', () => matmul(rt, x, w, y)));
      result.gemmNaive.push(await row('gemm naive', () => matmulNaive(rt, x, w, y)));
      result.gemmTransA.push(await row('gemm xᵀ·dy', () => matmulTransA(rt, x, g, dw)));
      result.gemmTransB.push(await row('gemm dy·wᵀ', () => matmulTransB(rt, g, w, y)));
      rt.release(x, w, y, g, dw);
    }

    step(`copy ${copyFloats} floats`);
    result.copy = await benchCopy(rt, copyFloats, targetMs);

    result.spmm = await benchSpmm(rt, rows, channels, targetMs, step);
    progress({ label: 'done', done: total, total });
    await rt.allocator.checkDeviceErrors();
    if (rt.errors.length)
      throw new Error(`GPU errors: ${rt.errors.map((e) => e.message).join('; ')}`);
    return result;
  } finally {
    rt.destroy();
  }
}

async function benchCopy(rt: GpuRuntime, floats: number, targetMs: number) {
  const n4 = Math.ceil(floats / 4);
  const src = rt.tensor(n4, 4, 'io', { zero: true });
  const dst = rt.tensor(n4, 4, 'io');
  const t = await measure(rt, () => copyFlat4(rt, src, dst, n4), targetMs);
  rt.release(src, dst);
  const bytes = 2 * n4 * 16;
  return { gbps: bytes / (t.ms * 1e6), bytes, ms: t.ms, reps: t.reps };
}

// ---- spmm -------------------------------------------------------------------------------------
// A random graph of `rows` nodes with about 10 weighted in-edges each, as in citation graphs and
// ogbn-arxiv. Effective bytes are what the kernel must move with no cache reuse: the row pointers,
// column ids and weights once, one source row of D floats per entry, and the output once.
const SPMM_DEGREE = 10;

async function benchSpmm(
  rt: GpuRuntime,
  rows: number,
  channels: number[],
  targetMs: number,
  step: (label: string) => void,
): Promise<SpmmBenchRow[]> {
  let s = 12345;
  const random = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const csr = randomCsr(rows, rows, SPMM_DEGREE, random, { values: true });
  const a = uploadCsr(rt, csr, 'bench graph');
  const nnz = csr.colIdx.length;
  const out: SpmmBenchRow[] = [];
  for (const d of channels) {
    step(`spmm ${rows} nodes, ${nnz} entries, D=${d}`);
    const x = rt.upload(pseudoRandom(rows * d, d), rows, d, 'io');
    const y = rt.tensor(rows, d, 'io');
    const t = await measure(rt, () => spmm(rt, a, x, y), targetMs);
    rt.release(x, y);
    const bytes = 4 * (rows + 1) + 8 * nnz + 4 * nnz * d + 4 * rows * d;
    out.push({ rows, nnz, channels: d, gbps: bytes / (t.ms * 1e6) });
  }
  releaseCsr(rt, a);
  return out;
}

// ---- timing ------------------------------------------------------------------------------------

/**
 * Mean time of one `run`: a warm-up (pipeline compilation, first touch of buffers), a probe to size
 * the repetitions, then enough repetitions to fill `targetMs`, recorded into as few submits as the
 * batcher allows so per-submit overhead is amortised.
 */
async function measure(
  rt: GpuRuntime,
  run: () => void,
  targetMs: number,
): Promise<{ ms: number; reps: number }> {
  run();
  await rt.sync();
  const probe = await rt.timed(run);
  const reps = Math.min(
    MAX_REPS,
    Math.max(MIN_REPS, Math.ceil(targetMs / Math.max(probe.ms, 1e-3))),
  );
  const t = await rt.timed(() => {
    for (let i = 0; i < reps; i++) run();
  });
  return { ms: t.ms / reps, reps };
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
