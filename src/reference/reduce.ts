// Float64 references of the reductions.

export function sumRef(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

export function dotRef(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dotRef: ${a.length} vs ${b.length} values.`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function sumSquaresRef(x: ArrayLike<number>): number {
  return dotRef(x, x);
}

export function l2normRef(x: ArrayLike<number>): number {
  return Math.sqrt(sumSquaresRef(x));
}

export function globalSumSquaresRef(xs: readonly ArrayLike<number>[]): number {
  return xs.reduce((s, x) => s + sumSquaresRef(x), 0);
}
