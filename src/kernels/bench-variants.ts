// Throughput of every kernel variant this adapter runs, for the kernel benchmark: each family's
// autotuner case (./tune-cases.ts) at the benchmark's sizes, timed with each variant pinned, plus
// dy·wᵀ for the GEMM family. GEMMs in GFLOP/s; memory-bound kernels in effective GB/s — the bytes
// they must move with no cache reuse, to set beside a plain copy.
import type { GpuRuntime } from '../gpu/runtime';
import { matmulTransB } from './gemm';
import { timeCalls } from './time-calls';
import { tuneCase, type TuneCase, type Workload } from './tune-cases';
import { candidates, FAMILY_NAMES, type Family } from './variants';

export interface VariantThroughput {
  family: Family;
  variant: string;
  /** What was timed. */
  op: string;
  rows: number;
  channels: number;
  /** Adjacency entries (spmm). */
  nnz?: number;
  unit: 'GFLOP/s' | 'GB/s';
  value: number;
  /** Mean time of one call. */
  ms: number;
  reps: number;
}

export interface BenchVariantsOptions {
  rows: number;
  channels: number[];
  /** Mean in-edges per node of the SpMM graph. */
  degree: number;
  targetMs: number;
  step?: (label: string) => void;
}

interface Measured {
  op: string;
  unit: VariantThroughput['unit'];
  /** FLOPs or bytes of one call. */
  work: number;
  run: () => void;
}

/** The calls timed for one family at one size (the case's own call, and dy·wᵀ for GEMM). */
function measuredCalls(
  rt: GpuRuntime,
  family: Family,
  c: TuneCase,
  w: Workload,
): { calls: Measured[]; release(): void } {
  const { nodes: n, width: d } = w;
  const nnz = c.nnz ?? w.nnz;
  const f = 4; // bytes per float
  const only = (m: Measured) => ({ calls: [m], release: () => c.release() });
  switch (family) {
    case 'gemm': {
      // dy·wᵀ reads the forward's output as dy.
      const [dy] = c.outputs;
      const wt = rt.tensor(d, d, 'workspace', { zero: true });
      const dx = rt.tensor(n, d, 'workspace');
      return {
        calls: [
          { op: 'x·w', unit: 'GFLOP/s', work: 2 * n * d * d, run: c.run },
          {
            op: 'dy·wᵀ',
            unit: 'GFLOP/s',
            work: 2 * n * d * d,
            run: () => matmulTransB(rt, dy, wt, dx),
          },
        ],
        release: () => {
          rt.release(wt, dx);
          c.release();
        },
      };
    }
    case 'gemm-dw':
      return only({ op: 'xᵀ·dy (split-K)', unit: 'GFLOP/s', work: 2 * n * d * d, run: c.run });
    case 'spmm':
      // Row pointers, column ids and weights once, a source row per entry, the output once.
      return only({
        op: 'A·x',
        unit: 'GB/s',
        work: f * (n + 1 + 2 * nnz + nnz * d + n * d),
        run: c.run,
      });
    case 'reduce':
      return only({ op: 'Σx²', unit: 'GB/s', work: f * n * d, run: c.run });
    case 'norm':
      // Forward: x in, y out; backward: x and dy for the row pass, x, dy in and dx out for the
      // column pass.
      return only({ op: 'LayerNorm fwd+bwd', unit: 'GB/s', work: 7 * f * n * d, run: c.run });
  }
}

export async function benchVariants(
  rt: GpuRuntime,
  opts: BenchVariantsOptions,
): Promise<VariantThroughput[]> {
  const out: VariantThroughput[] = [];
  for (const family of FAMILY_NAMES) {
    for (const d of opts.channels) {
      const w: Workload = { nodes: opts.rows, width: d, nnz: opts.rows * opts.degree };
      const c = tuneCase(rt, family, w);
      const { calls, release } = measuredCalls(rt, family, c, w);
      try {
        for (const variant of candidates(rt, family)) {
          const restore = rt.variants.pin(family, variant);
          try {
            for (const m of calls) {
              opts.step?.(`${family}=${variant} ${m.op} ${opts.rows}×${d}`);
              const t = await timeCalls(rt, m.run, { targetMs: opts.targetMs });
              out.push({
                family,
                variant,
                op: m.op,
                rows: opts.rows,
                channels: d,
                ...(c.nnz !== undefined ? { nnz: c.nnz } : {}),
                unit: m.unit,
                value: m.work / (t.ms * 1e6),
                ms: t.ms,
                reps: t.reps,
              });
            }
          } finally {
            restore();
          }
        }
      } finally {
        release();
      }
    }
  }
  return out;
}

/** How many measurements benchVariants takes (for a progress bar). */
export function variantMeasurements(rt: GpuRuntime, channels: number): number {
  return FAMILY_NAMES.reduce(
    (s, f) => s + candidates(rt, f).length * (f === 'gemm' ? 2 : 1) * channels,
    0,
  );
}
