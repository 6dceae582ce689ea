// Turns a bench result into the README's results section (between two markers), with each
// target and the measured value beside it.
import type { BenchResult, MemoryRow } from '../../src/headless/bench.ts';
import { formatBytes } from '../../src/util/format.ts';
import { replaceSection, table } from './markdown.ts';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** Least-squares slope of y against x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const num = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return den ? num / den : NaN;
}

export interface DepthSummary {
  dataset: string;
  channels: number;
  model: string;
  /** actWs(L = max) / actWs(L = 8). */
  actRatio: number;
  /** total peak(L = max) / total peak(L = 8). */
  totalRatio: number;
  /** Fitted bytes of activations + workspace per added layer. */
  bytesPerLayer: number;
  deepest: number;
  oom: number[];
  /** Depths whose step failed another way (a DEQ solve diverging). */
  failed: number[];
}

export function depthSummaries(r: BenchResult): DepthSummary[] {
  const groups = new Map<string, MemoryRow[]>();
  for (const row of r.memory) {
    const key = `${row.dataset}|${row.channels}|${row.model}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((rows) => {
    const ok = rows.filter((x) => x.status === 'ok');
    const at8 = ok.find((x) => x.layers === 8);
    const deepest = ok.reduce((a, b) => (b.layers > a.layers ? b : a), ok[0]);
    return {
      dataset: rows[0].dataset,
      channels: rows[0].channels,
      model: rows[0].model,
      actRatio: at8 && deepest ? deepest.actWs / at8.actWs : NaN,
      totalRatio: at8 && deepest ? deepest.peakBytes / at8.peakBytes : NaN,
      bytesPerLayer: slope(
        ok.map((x) => x.layers),
        ok.map((x) => x.actWs),
      ),
      deepest: deepest?.layers ?? 0,
      oom: rows.filter((x) => x.status === 'oom').map((x) => x.layers),
      failed: rows.filter((x) => x.status === 'error').map((x) => x.layers),
    };
  });
}

export function targetChecks(r: BenchResult): TargetCheck[] {
  const out: TargetCheck[] = [];
  const sums = depthSummaries(r);
  for (const model of ['rev', 'deq']) {
    const s = sums.filter((x) => x.model === model && x.deepest === 1001);
    if (!s.length) continue;
    const worst = Math.max(...s.map((x) => Math.abs(x.actRatio - 1)));
    out.push({
      target: `${model}: activation + workspace peak at L = 1001 within 5 % of L = 8`,
      measured: `worst ${pct(worst)} off (${s.map((x) => `${x.dataset} D=${x.channels}: ×${x.actRatio.toFixed(3)}`).join('; ')})`,
      met: worst <= 0.05,
    });
  }
  const wt = sums.filter((x) => x.model === 'wtrev' && x.deepest === 1001);
  if (wt.length) {
    const worst = Math.max(...wt.map((x) => Math.abs(x.totalRatio - 1)));
    out.push({
      target: 'wtrev: total peak (parameters included) within 5 % from L = 8 to L = 1001',
      measured: `worst ${pct(worst)} off`,
      met: worst <= 0.05,
    });
  }
  const paper = r.paper?.rows;
  const res = paper?.find((x) => x.model === 'res');
  const rev = paper?.find((x) => x.model === 'rev');
  if (res && rev && res.status === 'ok' && rev.status === 'ok') {
    const ratio = res.peakBytes / rev.peakBytes;
    out.push({
      target: 'res / rev peak memory at L = 112 ≥ 10',
      measured: `${ratio.toFixed(1)}×`,
      met: ratio >= 10,
    });
  }
  const ratios = speedRatios(r);
  if (ratios.length) {
    const worst = Math.max(...ratios.map((x) => x.ratio));
    out.push({
      target: 'rev / res step time ≤ 1.6 at equal L and D',
      measured: `worst ${worst.toFixed(2)} (${ratios.map((x) => `L=${x.layers} D=${x.channels}: ${x.ratio.toFixed(2)}`).join('; ')})`,
      met: worst <= 1.6,
    });
  }
  if (r.deep) {
    out.push({
      target:
        'a 1001-layer rev network trains (forward + backward + Adam) without running out of memory',
      measured:
        r.deep.status === 'ok'
          ? `one step in ${(r.deep.ms / 1000).toFixed(1)} s, peak ` +
            (r.deep.peakHeldBytes !== undefined
              ? `held ${formatBytes(r.deep.peakHeldBytes)} (in use ${formatBytes(r.deep.peakBytes)})`
              : `in use ${formatBytes(r.deep.peakBytes)}`)
          : `out of memory: ${r.deep.message}`,
      met: r.deep.status === 'ok',
    });
  }
  return out;
}

export function speedRatios(r: BenchResult): { layers: number; channels: number; ratio: number }[] {
  const out = [];
  for (const rev of r.speed.filter((x) => x.model === 'rev')) {
    const res = r.speed.find(
      (x) => x.model === 'res' && x.layers === rev.layers && x.channels === rev.channels,
    );
    if (res) out.push({ layers: rev.layers, channels: rev.channels, ratio: rev.ms / res.ms });
  }
  return out;
}

export function renderResults(r: BenchResult, file: string): string {
  const lines: string[] = [];
  const a = r.adapter;
  lines.push(
    `Measured by \`npm run bench${r.full ? ' -- --full' : ''}\` on ${r.date.slice(0, 10)}, adapter **${a.vendor} ${a.architecture}**` +
      (r.software
        ? ' — a *software* adapter (SwiftShader on 2 CPU cores): memory figures are exact, times are CPU times, not GPU speeds.'
        : '.') +
      ` Raw numbers: [\`${file}\`](${file}).`,
  );
  const checks = targetChecks(r);
  if (checks.length) {
    lines.push(
      '',
      '**Targets**',
      '',
      table(
        ['target', 'measured', 'met'],
        checks.map((c) => [c.target, c.measured, c.met === null ? '–' : c.met ? 'yes' : '**no**']),
      ),
    );
  }
  const sums = depthSummaries(r);
  if (sums.length) {
    lines.push(
      '',
      "**Memory against depth** (one training step; activations + workspace at the step's peak, from the meter)",
      '',
      table(
        [
          'dataset',
          'D',
          'model',
          'peak(L=max) / peak(L=8), act+ws',
          'total peak ratio',
          'bytes per added layer',
          'out of memory at',
          'failed at',
        ],
        sums.map((s) => [
          s.dataset,
          s.channels,
          s.model,
          `×${s.actRatio.toFixed(3)} (L=${s.deepest})`,
          `×${s.totalRatio.toFixed(3)}`,
          formatBytes(Math.max(0, s.bytesPerLayer)),
          s.oom.join(', ') || '–',
          s.failed.join(', ') || '–',
        ]),
      ),
    );
  }
  const failures = r.memory.filter((x) => x.status === 'error');
  if (failures.length) {
    lines.push(
      '',
      'Failed points: ' +
        failures
          .map(
            (x) =>
              `${x.model} on ${x.dataset} D=${x.channels} L=${x.layers} — ${(x.message ?? '').split(':')[0]}`,
          )
          .join('; ') +
        '.',
    );
  }
  if (r.paper) {
    lines.push(
      '',
      `**The paper's comparison at L = 112** (${r.paper.dataset}, D = ${r.paper.channels}, C = 2; Figure 1 / Table 4 shape)`,
      '',
      table(
        ['model', 'peak memory', 'parameters', 'step time'],
        r.paper.rows.map((x) => [
          x.model,
          x.status === 'ok' ? formatBytes(x.peakBytes) : 'out of memory',
          x.params.toLocaleString('en'),
          Number.isNaN(x.stepMs) ? '–' : `${x.stepMs.toFixed(0)} ms`,
        ]),
      ),
    );
  }
  if (r.speed.length) {
    lines.push(
      '',
      '**Step time** (citation, full graph; median of 3 steps after a warm-up)',
      '',
      table(
        ['model', 'L', 'D', 'step', 'CPU encode', 'dispatches / step'],
        r.speed.map((x) => [
          x.model,
          x.layers,
          x.channels,
          `${x.ms.toFixed(0)} ms`,
          `${x.encodeMs.toFixed(0)} ms`,
          x.dispatches,
        ]),
      ),
      '',
      "For deq the encode time includes the solver's stopping-test read-backs (every 4 iterations), so it is most of the step.",
    );
  }
  if (r.accuracy.length) {
    lines.push(
      '',
      '**Accuracy** (best-validation epoch; test metric beside it)',
      '',
      table(
        ['dataset', 'model', 'L × D', 'epochs', 'valid', 'test', 'time'],
        r.accuracy.map((x) => [
          x.dataset,
          `${x.model} ${x.op}`,
          `${x.layers} × ${x.channels}`,
          x.epochs,
          pct(x.best.valid),
          pct(x.best.test),
          `${x.seconds.toFixed(0)} s`,
        ]),
      ),
    );
  }
  if (r.kernels) {
    const k = r.kernels;
    lines.push(
      '',
      `**Kernels** (10 000 rows): copy roofline ${k.copy.gbps.toFixed(2)} GB/s; ` +
        k.gemm
          .map(
            (g, i) =>
              `GEMM D=${g.channels} ${g.gflops.toFixed(2)} GFLOP/s (naive ${k.gemmNaive[i]?.gflops.toFixed(2)})`,
          )
          .join(', ') +
        '; ' +
        k.spmm.map((s) => `SpMM D=${s.channels} ${s.gbps.toFixed(2)} GB/s`).join(', ') +
        '.',
    );
  }
  return lines.join('\n');
}

export function replaceResultsSection(readme: string, body: string): string {
  return replaceSection(readme, body, { start: START, end: END, heading: '## Measured results' });
}
