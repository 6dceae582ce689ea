// The call each kernel family is timed on when the autotuner chooses its variant: the product a
// block of the run performs, at the run's sizes (a part's nodes, a group's channels, a part's
// adjacency entries), on generated data (speed does not depend on the values). Each case also
// names the tensors its call writes, so a candidate can be checked against the portable variant.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { initStream } from '../nn/params';
import { releaseCsr, uploadCsr, type CsrGpu } from './csr-gpu';
import { matmul, matmulTransA } from './gemm';
import { layerNorm, layerNormBackward } from './layernorm';
import { sumSquares } from './reduce';
import { spmm } from './spmm';
import type { Family } from './variants';

/** The sizes of the run the kernels are tuned for. */
export interface Workload {
  /** Rows of the activations: the nodes of one part. */
  nodes: number;
  /** Channels of the products inside a block (a group's width for reversible models). */
  width: number;
  /** Adjacency entries of one part. */
  nnz: number;
}

export interface TuneCase {
  run(): void;
  /** What run() writes, compared across candidates. */
  outputs: Tensor[];
  /** Adjacency entries of the generated graph (spmm). */
  nnz?: number;
  release(): void;
}

function random(rt: GpuRuntime, rows: number, cols: number, seed: number): Tensor {
  const r = initStream(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = 2 * r() - 1;
  return rt.upload(data, rows, cols, 'workspace', { label: 'autotune input' });
}

function scratch(rt: GpuRuntime, rows: number, cols: number): Tensor {
  return rt.tensor(rows, cols, 'workspace', { label: 'autotune output' });
}

/** A random weighted graph with `nnz` entries spread over `nodes` rows (duplicates allowed). */
function randomAdjacency(rt: GpuRuntime, nodes: number, nnz: number): CsrGpu {
  const r = initStream(nodes ^ nnz);
  const mean = nnz / Math.max(1, nodes);
  const rowPtr = new Uint32Array(nodes + 1);
  for (let i = 0; i < nodes; i++) rowPtr[i + 1] = rowPtr[i] + Math.floor(r() * (2 * mean + 1));
  const total = rowPtr[nodes];
  const colIdx = new Uint32Array(total);
  const values = new Float32Array(total);
  for (let k = 0; k < total; k++) {
    colIdx[k] = Math.floor(r() * nodes);
    values[k] = r();
  }
  return uploadCsr(rt, { rows: nodes, cols: nodes, rowPtr, colIdx, values }, 'autotune graph');
}

export function tuneCase(rt: GpuRuntime, family: Family, w: Workload): TuneCase {
  const { nodes: n, width: d } = w;
  switch (family) {
    case 'gemm': {
      const x = random(rt, n, d, 1);
      const wt = random(rt, d, d, 2);
      const y = scratch(rt, n, d);
      return { run: () => matmul(rt, x, wt, y), outputs: [y], release: () => rt.release(x, wt, y) };
    }
    case 'gemm-dw': {
      const x = random(rt, n, d, 3);
      const dy = random(rt, n, d, 4);
      const dw = scratch(rt, d, d);
      return {
        run: () => matmulTransA(rt, x, dy, dw),
        outputs: [dw],
        release: () => rt.release(x, dy, dw),
      };
    }
    case 'spmm': {
      const a = randomAdjacency(rt, n, w.nnz);
      const x = random(rt, n, d, 5);
      const y = scratch(rt, n, d);
      return {
        run: () => spmm(rt, a, x, y),
        outputs: [y],
        nnz: a.nnz,
        release: () => {
          rt.release(x, y);
          releaseCsr(rt, a);
        },
      };
    }
    case 'reduce': {
      const x = random(rt, n, d, 6);
      const out = scratch(rt, 1, 1);
      return {
        run: () => sumSquares(rt, x, out),
        outputs: [out],
        release: () => rt.release(x, out),
      };
    }
    case 'norm': {
      const x = random(rt, n, d, 7);
      const dy = random(rt, n, d, 8);
      const gamma = random(rt, 1, d, 9);
      const beta = random(rt, 1, d, 10);
      const y = scratch(rt, n, d);
      const dx = scratch(rt, n, d);
      // dgamma and dbeta always accumulate: they are timed, not compared.
      const dgamma = rt.tensor(1, d, 'workspace', { zero: true });
      const dbeta = rt.tensor(1, d, 'workspace', { zero: true });
      return {
        run: () => {
          layerNorm(rt, x, gamma, beta, y);
          layerNormBackward(rt, x, gamma, dy, dx, dgamma, dbeta);
        },
        outputs: [y, dx],
        release: () => rt.release(x, dy, gamma, beta, y, dx, dgamma, dbeta),
      };
    }
  }
}
