// TEMPORARY profiling (not committed).
import { it } from 'vitest';
import { builtinSource } from '../graph/catalog';
import { loadDataset } from '../graph/load';
import { trainData } from '../train/train-data';
import { timeSteps } from '../train/timing';
import { sharedRuntime } from '../testing/gpu-fixture';
import { DEFAULT_MODEL, type ModelConfig } from './config';
import { Tensor } from '../gpu/tensor';
import { matmul, matmulTransA } from '../kernels/gemm';
import { sumSquares, dot } from '../kernels/reduce';
import { sub, axpy } from '../kernels/elementwise';

it('profile deq vs rev', async () => {
  const rt = await sharedRuntime();
  const ds = await loadDataset(builtinSource('citation'));
  const data = trainData(ds, { parts: 1, seed: 0 });
  const D = Number(import.meta.env.VITE_D ?? 64);
  const K = 30;
  const base: ModelConfig = { ...DEFAULT_MODEL, op: 'gcn', channels: D, dropout: 0.1, layers: K };
  // count dispatches by kernel label
  const counts = new Map<string, number>();
  const orig = rt.batcher.dispatch.bind(rt.batcher);
  rt.batcher.dispatch = (k, p, b, g) => {
    counts.set(k.label, (counts.get(k.label) ?? 0) + 1);
    return orig(k, p, b, g);
  };
  for (const model of ['rev', 'deq'] as const) {
    counts.clear();
    const t = await timeSteps(rt, data, { ...base, model }, { seed: 0, steps: 2 });
    console.log(model, JSON.stringify(t));
    console.log([...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k}:${v}`).join(' '));
  }
  // micro timings of the solver's vector ops at P = N*D
  const N = ds.graph.numNodes;
  const P = N * D;
  const m = 6;
  const U = rt.tensor(P, m, 'workspace', { zero: true });
  const V = rt.tensor(P, m, 'workspace', { zero: true });
  const x = rt.tensor(N, D, 'workspace', { zero: true });
  const y = rt.tensor(N, D, 'workspace', { zero: true });
  const c = rt.tensor(m, 1, 'workspace', { zero: true });
  const s = rt.tensor(1, 8, 'workspace', { zero: true });
  const col = (t: Tensor) => new Tensor(t.buffer, t.numel, 1, { offset: t.offset, rowStride: 1, view: true });
  const s1 = new Tensor(s.buffer, 1, 1, { offset: 0, view: true });
  const time = async (name: string, f: () => void) => {
    f();
    await rt.sync();
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) f();
    await rt.sync();
    console.log(`${name}: ${((performance.now() - t0) / 50).toFixed(3)} ms`);
  };
  await time('matmulTransA U^T dx', () => matmulTransA(rt, U, col(x), c));
  await time('matmul V c', () => matmul(rt, V, c, col(y)));
  await time('matmul col * scalar', () => matmul(rt, col(x), s1, col(y)));
  await time('sumSquares', () => sumSquares(rt, x, s1));
  await time('dot', () => dot(rt, x, y, s1));
  await time('sub', () => sub(rt, x, y, y));
  await time('axpy', () => axpy(rt, 1, x, y));
  const rb0 = performance.now();
  for (let i = 0; i < 20; i++) await rt.read(s);
  console.log(`readback: ${((performance.now() - rb0) / 20).toFixed(3)} ms`);
});
