// Axis ticks that read well in bytes: round numbers of KiB / MiB / GiB, not round decimals of bytes.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "512 KiB", "1.5 MiB": short and without trailing zeros. */
export function shortBytes(v: number): string {
  let u = 0;
  let x = v;
  while (Math.abs(x) >= 1024 && u < UNITS.length - 1) {
    x /= 1024;
    u++;
  }
  return `${+x.toFixed(x >= 100 || u === 0 ? 0 : x >= 10 ? 1 : 2)} ${UNITS[u]}`;
}

/** 0 and about `count` evenly spaced ticks, each a 1, 2 or 5 multiple of a binary unit. */
export function linearByteTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const unit = 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024)));
  const raw = max / unit / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag * unit;
  const ticks: number[] = [];
  for (let t = 0; t <= max * 1.0001 + step; t += step) {
    ticks.push(t);
    if (t >= max) break;
  }
  return ticks;
}

/** Powers of two between lo and hi, thinned to at most `most` ticks. */
export function logByteTicks(lo: number, hi: number, most = 8): number[] {
  if (!(lo > 0 && hi > lo)) return [];
  const a = Math.ceil(Math.log2(lo));
  const b = Math.floor(Math.log2(hi));
  const stride = Math.max(1, Math.ceil((b - a + 1) / most));
  const out: number[] = [];
  for (let e = b; e >= a; e -= stride) out.unshift(2 ** e);
  return out;
}

/** Ticks on 1, 2 or 5 × 10ᵏ steps covering [lo, hi]; about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) {
    const pad = Math.abs(hi) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const first = Math.floor(lo / step + 1e-9) * step;
  const out: number[] = [];
  for (let t = first; out.length < 1000; t += step) {
    out.push(+t.toPrecision(12));
    if (t >= hi - step * 1e-9 && out.length >= 2) break;
  }
  return out;
}
