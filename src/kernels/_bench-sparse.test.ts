import { it } from 'vitest';
import code from '../../shaders/spmm.wgsl?raw';
import lanes from './_lanes.wgsl?raw';
import { sharedRuntime, randomArray, rng } from '../testing/gpu-fixture';
import { randomCsr } from '../reference/sparse';
import { transposeCsr } from '../graph/csr';
import { uploadCsr } from './csr-gpu';
import { spmm } from './spmm';
import { genMaxForward, genMaxBackward, genSoftmaxForward, genSoftmaxBackward } from './aggregate';
import { uniforms } from '../gpu/uniforms';
import { grid1d } from './grid';

const v2 = code
  .replace(
    'var acc = vec4f(0.0);',
    'var acc = vec4f(0.0); var acc2 = vec4f(0.0); let c1 = c0 + 4u;',
  )
  .replace(
    'acc = fma(vec4f(vals[k]), xj, acc);',
    'let w = vec4f(vals[k]); acc = fma(w, xj, acc); acc2 = fma(w, load_x(p.x_off + col_idx[k] * p.x_stride, min(c1, p.cols - 1u)), acc2);',
  )
  .replace('let c0 = (t % p.chunks) * 4u;', 'let c0 = (t % p.chunks) * 8u;')
  .replace(
    'store_out(o, c0, acc);',
    'store_out(o, c0, acc); if (c1 < p.cols) { store_out(o, c1, acc2); }',
  );

it('bench', async () => {
  const rt = await sharedRuntime();
  const n = 3000,
    d = 64;
  const a = randomCsr(n, n, 10, rng(1), { values: true });
  const g = uploadCsr(rt, a, 'A');
  const gT = uploadCsr(rt, transposeCsr(a), 'AT');
  const x = rt.upload(randomArray(n * d, 2), n, d, 'io');
  const out = rt.tensor(n, d, 'io');
  const aux = rt.tensor(n, d, 'io', { dtype: 'u32' });
  const lse = rt.tensor(n, d, 'io');
  const edge = rt.upload(randomArray(a.colIdx.length * d, 3), a.colIdx.length, d, 'io');
  const dEdge = rt.tensor(a.colIdx.length, d, 'io');
  const dx = rt.tensor(n, d, 'io');
  const reps = 5;
  const time = async (name: string, f: () => void) => {
    f();
    await rt.sync();
    let best = Infinity;
    for (let trial = 0; trial < 5; trial++) {
      const t = await rt.timed(() => {
        for (let r = 0; r < reps; r++) f();
      });
      best = Math.min(best, t.ms / reps);
    }
    console.log(`${name}: ${best.toFixed(2)} ms min`);
  };
  await time('spmm v1', () => spmm(rt, g, x, out));
  await time('spmm v1', () => spmm(rt, g, x, out));
  for (const [name, src, cpt] of [['v2-8ch', v2, 8]] as const) {
    const k = rt.kernel({
      name,
      code: src,
      entryPoint: 'spmm',
      bindings: ['uniform', 'read', 'read', 'read', 'read', 'rw'],
      constants: { HAS_VALUES: 1 },
    });
    const chunks = Math.ceil(d / cpt);
    await time(name, () =>
      rt.batcher.dispatch(
        k,
        uniforms().u32(n).u32(d).u32(chunks).u32(0).view2d(x).view2d(out),
        [g.rowPtr.buffer, g.colIdx.buffer, g.values!.buffer, x.buffer, out.buffer],
        grid1d(n * chunks, 64),
      ),
    );
  }
  for (const [ep, cpt] of [
    ['spmm4', 8],
    ['spmm4x1', 4],
    ['spmm4outer', 8],
    ['spmm4', 8],
    ['spmm4outer', 8],
    ['spmm4x1', 4],
  ] as const) {
    const k = rt.kernel({
      name: 'lanes',
      code: lanes,
      entryPoint: ep,
      bindings: ['uniform', 'read', 'read', 'read', 'read', 'rw'],
      constants: { HAS_VALUES: 1 },
    });
    const chunks = Math.ceil(d / cpt);
    await time(ep, () =>
      rt.batcher.dispatch(
        k,
        uniforms()
          .u32(n)
          .u32(d)
          .u32(chunks)
          .u32(0)
          .u32(0)
          .u32(d / 4)
          .u32(0)
          .u32(d / 4),
        [g.rowPtr.buffer, g.colIdx.buffer, g.values!.buffer, x.buffer, out.buffer],
        grid1d(n * chunks, 64),
      ),
    );
  }
  await time('spmm v1', () => spmm(rt, g, x, out));
  await time('v2again', () => 0);
  return;
  await time('max fwd edge', () => genMaxForward(rt, g, x, edge, 1e-7, out, aux));
  await time('max bwd edge', () => genMaxBackward(rt, gT, g, x, edge, 1e-7, aux, out, dx, dEdge));
  await time('max fwd noedge', () => genMaxForward(rt, g, x, null, 1e-7, out, aux));
  await time('max bwd noedge', () => genMaxBackward(rt, gT, g, x, null, 1e-7, aux, out, dx, null));
  await time('softmax fwd edge', () => genSoftmaxForward(rt, g, x, edge, 1e-7, 1, out, lse));
  await time('softmax bwd edge', () =>
    genSoftmaxBackward(rt, gT, g, x, edge, 1e-7, 1, out, lse, dEdge.rowSlice(0, n), dx, null),
  );
  await time('softmax fwd noedge', () => genSoftmaxForward(rt, g, x, null, 1e-7, 1, out, lse));
}, 600000);
