// Float64 reference of LayerNorm over each row (biased variance, affine), forward and backward.

export interface LayerNormGrads {
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
}

function rowStats(x: ArrayLike<number>, base: number, cols: number, eps: number): [number, number] {
  let s = 0;
  for (let c = 0; c < cols; c++) s += x[base + c];
  const mean = s / cols;
  let v = 0;
  for (let c = 0; c < cols; c++) v += (x[base + c] - mean) ** 2;
  return [mean, 1 / Math.sqrt(v / cols + eps)];
}

/** (x − mean)·rstd·gamma + beta per row of x (rows × cols). */
export function layerNormRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  eps = 1e-5,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const [mean, rstd] = rowStats(x, r * cols, cols, eps);
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = (x[r * cols + c] - mean) * rstd * gamma[c] + beta[c];
    }
  }
  return out;
}

/** Gradients of Σ dy·layerNorm(x) with respect to x, gamma and beta. */
export function layerNormBackwardRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  gamma: ArrayLike<number>,
  dy: ArrayLike<number>,
  eps = 1e-5,
): LayerNormGrads {
  const dx = new Float64Array(rows * cols);
  const dgamma = new Float64Array(cols);
  const dbeta = new Float64Array(cols);
  const xh = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const b = r * cols;
    const [mean, rstd] = rowStats(x, b, cols, eps);
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < cols; c++) {
      xh[c] = (x[b + c] - mean) * rstd;
      const g = dy[b + c] * gamma[c];
      sg += g;
      sgx += g * xh[c];
      dgamma[c] += dy[b + c] * xh[c];
      dbeta[c] += dy[b + c];
    }
    for (let c = 0; c < cols; c++) {
      dx[b + c] = rstd * (dy[b + c] * gamma[c] - sg / cols - (xh[c] * sgx) / cols);
    }
  }
  return { dx, dgamma, dbeta };
}
