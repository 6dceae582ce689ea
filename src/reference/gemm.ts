// Float64 reference of the GEMM family (src/kernels/gemm.ts): plain row-major arrays, the same
// semantics including accumulate and bias. `out` arguments are updated in place and returned.

export interface RefMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function refMatrix(rows: number, cols: number, data?: ArrayLike<number>): RefMatrix {
  const m = { rows, cols, data: new Float64Array(rows * cols) };
  if (data) {
    if (data.length !== rows * cols) {
      throw new Error(`refMatrix: ${data.length} values for ${rows}×${cols}.`);
    }
    m.data.set(data);
  }
  return m;
}

function check(fn: string, what: string, ok: boolean): void {
  if (!ok) throw new Error(`${fn}: ${what}`);
}

/** out (+)= x·w (+ bias). */
export function refMatmul(
  x: RefMatrix,
  w: RefMatrix,
  out: RefMatrix,
  opts: { bias?: RefMatrix; accumulate?: boolean } = {},
): RefMatrix {
  const { rows: n, cols: k } = x;
  const m = w.cols;
  check('refMatmul', 'w.rows must equal x.cols', w.rows === k);
  check('refMatmul', 'out must be x.rows × w.cols', out.rows === n && out.cols === m);
  check('refMatmul', 'bias must be 1 × w.cols', !opts.bias || opts.bias.data.length === m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += x.data[i * k + p] * w.data[p * m + j];
      if (opts.bias) s += opts.bias.data[j];
      const o = i * m + j;
      out.data[o] = (opts.accumulate ? out.data[o] : 0) + s;
    }
  }
  return out;
}

/** dx (+)= dy·wᵀ. */
export function refMatmulTransB(
  dy: RefMatrix,
  w: RefMatrix,
  dx: RefMatrix,
  opts: { accumulate?: boolean } = {},
): RefMatrix {
  const { rows: n, cols: m } = dy;
  const k = w.rows;
  check('refMatmulTransB', 'w.cols must equal dy.cols', w.cols === m);
  check('refMatmulTransB', 'dx must be dy.rows × w.rows', dx.rows === n && dx.cols === k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < m; p++) s += dy.data[i * m + p] * w.data[j * m + p];
      const o = i * k + j;
      dx.data[o] = (opts.accumulate ? dx.data[o] : 0) + s;
    }
  }
  return dx;
}

/** dw (+)= xᵀ·dy. */
export function refMatmulTransA(
  x: RefMatrix,
  dy: RefMatrix,
  dw: RefMatrix,
  opts: { accumulate?: boolean } = {},
): RefMatrix {
  const { rows: n, cols: k } = x;
  const m = dy.cols;
  check('refMatmulTransA', 'dy.rows must equal x.rows', dy.rows === n);
  check('refMatmulTransA', 'dw must be x.cols × dy.cols', dw.rows === k && dw.cols === m);
  const s = new Float64Array(k * m);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < k; i++) {
      const xv = x.data[r * k + i];
      for (let j = 0; j < m; j++) s[i * m + j] += xv * dy.data[r * m + j];
    }
  }
  for (let o = 0; o < k * m; o++) dw.data[o] = (opts.accumulate ? dw.data[o] : 0) + s[o];
  return dw;
}

/** out (+)= Σ_rows dy. */
export function refColumnSum(
  dy: RefMatrix,
  out: RefMatrix,
  opts: { accumulate?: boolean } = {},
): RefMatrix {
  const { rows: n, cols: m } = dy;
  check('refColumnSum', 'out must be 1 × dy.cols', out.rows === 1 && out.cols === m);
  const s = new Float64Array(m);
  for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) s[j] += dy.data[r * m + j];
  for (let j = 0; j < m; j++) out.data[j] = (opts.accumulate ? out.data[j] : 0) + s[j];
  return out;
}

/**
 * Backward of out = x·w + bias for an upstream gradient g = dL/dout: the three products the GPU
 * backward composes (dx = g·wᵀ, dw = xᵀ·g, dbias = Σ_rows g).
 */
export function refLinearBackward(
  x: RefMatrix,
  w: RefMatrix,
  g: RefMatrix,
): { dx: RefMatrix; dw: RefMatrix; dbias: RefMatrix } {
  return {
    dx: refMatmulTransB(g, w, refMatrix(x.rows, x.cols)),
    dw: refMatmulTransA(x, g, refMatrix(w.rows, w.cols)),
    dbias: refColumnSum(g, refMatrix(1, w.cols)),
  };
}
