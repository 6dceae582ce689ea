// Float64 reference of shared dropout and the bit-exact JS twin of its hash (shaders/dropout.wgsl):
// keep(r, c) ⇔ hash(seed, r, c) ≥ floor(p·2³²), kept values scaled by 1/(1 − p).

/** lowbias32 (C. Wellons), in u32 arithmetic. */
export function mix32(v: number): number {
  let h = v >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x21f0aaad) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x735a2d97) >>> 0;
  h ^= h >>> 15;
  return h >>> 0;
}

/** The counter-based hash of (seed, row, column): all u32, wrapping like the shader. */
export function dropoutHash(seed: number, row: number, col: number): number {
  return mix32(((col >>> 0) ^ mix32(((row >>> 0) ^ mix32(seed >>> 0)) >>> 0)) >>> 0);
}

/** floor(p·2³²), the u32 the hash is compared with; p must be in [0, 1). */
export function dropoutThreshold(p: number): number {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), found ${p}.`);
  return Math.floor(p * 2 ** 32);
}

export interface DropoutRefOptions {
  seed: number;
  p: number;
  rowOffset?: number;
  colOffset?: number;
}

/** The scaled keep mask (0 or 1/(1 − p)) of a rows × cols block at the given offsets. */
export function dropoutMaskRef(rows: number, cols: number, o: DropoutRefOptions): Float64Array {
  const t = dropoutThreshold(o.p);
  const scale = 1 / (1 - o.p);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const h = dropoutHash(o.seed, r + (o.rowOffset ?? 0), c + (o.colOffset ?? 0));
      out[r * cols + c] = h >= t ? scale : 0;
    }
  }
  return out;
}

/** x ⊙ mask: also the backward, applied to dy. */
export function dropoutRef(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  o: DropoutRefOptions,
): Float64Array {
  const m = dropoutMaskRef(rows, cols, o);
  for (let i = 0; i < m.length; i++) m[i] *= x[i];
  return m;
}
