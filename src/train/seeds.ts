// Results over seeds: single-seed figures on Planetoid move by a point or more, so a run can be
// repeated over a list of seeds and reported as mean ± std of the best-validation epoch's scores.
// No GPU imports (the CLI parses seed lists in Node).

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one run. */
  std: number;
}

export interface SeedSummary {
  seeds: number[];
  valid: MeanStd;
  test: MeanStd;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (!n) return { mean: NaN, std: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, std: 0 };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/** Mean ± std over runs of the test (and valid) score at each run's best-validation epoch. */
export function summarizeSeeds(
  runs: readonly { seed: number; best: { valid: number; test: number } }[],
): SeedSummary {
  return {
    seeds: runs.map((r) => r.seed),
    valid: meanStd(runs.map((r) => r.best.valid)),
    test: meanStd(runs.map((r) => r.best.test)),
  };
}

/** "0-4" → [0..4]; "1,3,7" and "0-2,9" work too. Throws a message naming what was wrong. */
export function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) {
      throw new Error(
        `Seeds: expected whole numbers or ranges like 0-4, separated by commas; found "${item}".`,
      );
    }
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`Seeds: the range ${item} runs backwards (write ${b}-${a}).`);
    if (b > 0xffffffff) throw new Error(`Seeds: ${b} is past the largest seed, 4294967295.`);
    if (b - a >= 1000) throw new Error(`Seeds: ${item} is ${b - a + 1} runs; 1000 at most.`);
    for (let s = a; s <= b; s++) if (!out.includes(s)) out.push(s);
  }
  return out;
}
