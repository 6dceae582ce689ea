// Float64 references of the element-wise kernels, on dense row-major arrays. Straight loops:
// these are what the GPU kernels are checked against.

function map(n: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

export function addRef(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return map(a.length, (i) => a[i] + b[i]);
}

export function subRef(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return map(a.length, (i) => a[i] - b[i]);
}

/** y + alpha·x */
export function axpyRef(alpha: number, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  return map(x.length, (i) => y[i] + alpha * x[i]);
}

export function scaleRef(alpha: number, x: ArrayLike<number>): Float64Array {
  return map(x.length, (i) => alpha * x[i]);
}

export function reluRef(x: ArrayLike<number>): Float64Array {
  return map(x.length, (i) => (x[i] > 0 ? x[i] : 0));
}

/** dy·[x > 0], plus `acc` when given. */
export function reluBackwardRef(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  acc?: ArrayLike<number>,
): Float64Array {
  return map(x.length, (i) => (x[i] > 0 ? dy[i] : 0) + (acc ? acc[i] : 0));
}

/** x (rows × cols) + bias (cols) on every row. */
export function biasAddRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  bias: ArrayLike<number>,
): Float64Array {
  return map(rows * cols, (i) => x[i] + bias[i % cols]);
}

/** Σ_{g=first}^{first+count−1} x[:, g·width:(g+1)·width] for x rows × cols: rows × width. */
export function sumColumnBlocksRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  width: number,
  first: number,
  count: number,
): Float64Array {
  if ((first + count) * width > cols) {
    throw new Error(`sumColumnBlocksRef: blocks past column ${cols}.`);
  }
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let g = first; g < first + count; g++) {
      for (let c = 0; c < width; c++) out[r * width + c] += x[r * cols + g * width + c];
    }
  }
  return out;
}
