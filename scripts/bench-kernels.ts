// npm run bench:kernels -- [--out bench/results/kernels.json] [--rows 10000] [--channels 32,64,128]
//   [--host auto|chromium|node]
// Times the GEMM kernels (tiled vs naive, and the backward products) and a copy roofline on
// WebGPU (headless Chromium, or Node with Dawn), prints a table and writes the figures as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { devRunner, type HostChoice } from './lib/hosts.ts';
import type {
  BenchKernelsArgs,
  GemmBenchRow,
  KernelBenchResult,
} from '../src/headless/bench-kernels.ts';

/** The target: the register-tiled GEMM at least this many times the naive one. */
const TILED_OVER_NAIVE_TARGET = 4;
/** SpMM's effective bandwidth at least this fraction of the plain copy's. */
const SPMM_OVER_COPY_TARGET = 0.5;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function intList(value: string): number[] {
  return value.split(',').map((v) => positiveInt(v.trim()));
}

const program = new Command()
  .name('bench:kernels')
  .description('Benchmark the GEMM, SpMM and copy kernels on WebGPU.')
  .option('--out <path>', 'where to write the JSON results', 'bench/results/kernels.json')
  .option('--rows <n>', 'nodes (rows of the activations)', positiveInt, 10_000)
  .option('--channels <list>', 'comma-separated channel widths', intList, [32, 64, 128])
  .option('--target-ms <ms>', 'time spent on the repetitions of one measurement', positiveInt, 1000)
  .option('--timeout <s>', 'give up after this many seconds', positiveInt, 600)
  .option('--host <host>', 'auto | chromium | node (see `npm run cli -- train --help`)', 'auto')
  .parse();

const opts = program.opts<{
  out: string;
  rows: number;
  channels: number[];
  targetMs: number;
  timeout: number;
  host: HostChoice;
}>();

const args: BenchKernelsArgs = {
  rows: opts.rows,
  channels: opts.channels,
  targetMs: opts.targetMs,
};

try {
  const result = await devRunner.run<KernelBenchResult>(opts.host, 'bench-kernels', args, {
    timeoutMs: opts.timeout * 1000,
  });
  printReport(result);
  const out = resolve(opts.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`\nWrote ${out}`);
} catch (e) {
  console.error(`bench:kernels failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}

function printReport(r: KernelBenchResult): void {
  const a = r.adapter;
  console.log(
    `Adapter: ${a.vendor} ${a.architecture} ${a.device} ${a.description}`.replace(/\s+/g, ' '),
  );
  console.log(
    `Timing: ${r.timing === 'gpu' ? 'GPU timestamp queries' : 'wall clock (no timestamps)'}`,
  );
  if (r.software) {
    console.log(
      'NOTE: software adapter (SwiftShader): these figures measure the CPU, not a GPU speed.',
    );
  }
  const rows: string[][] = [['kernel', 'shape', 'ms', 'GFLOP/s', 'reps', 'vs naive']];
  const naive = new Map(r.gemmNaive.map((n) => [n.channels, n.gflops]));
  const add = (kernel: string, list: GemmBenchRow[], shape: (g: GemmBenchRow) => string) => {
    for (const g of list) {
      const base = naive.get(g.channels);
      rows.push([
        kernel,
        shape(g),
        g.ms.toFixed(3),
        g.gflops.toFixed(2),
        String(g.reps),
        base ? `${(g.gflops / base).toFixed(2)}×` : '',
      ]);
    }
  };
  const fwd = (g: GemmBenchRow) => `${g.rows}×${g.channels} · ${g.channels}×${g.channels}`;
  add('gemm (tiled)', r.gemm, fwd);
  add('gemm (naive)', r.gemmNaive, fwd);
  add('xᵀ·dy (split-K)', r.gemmTransA, (g) => `${g.channels}×${g.rows} · ${g.rows}×${g.channels}`);
  add('dy·wᵀ', r.gemmTransB, fwd);
  printTable(rows);

  console.log(
    `\ncopy: ${(r.copy.bytes / 2 ** 20).toFixed(0)} MiB moved (read + write) in ` +
      `${r.copy.ms.toFixed(3)} ms: ${r.copy.gbps.toFixed(2)} GB/s`,
  );
  if (r.spmm.length) {
    console.log('');
    printTable([
      ['spmm rows', 'nnz', 'channels', 'GB/s'],
      ...r.spmm.map((s) => [String(s.rows), String(s.nnz), String(s.channels), s.gbps.toFixed(2)]),
    ]);
    const worstSpmm = Math.min(...r.spmm.map((s) => s.gbps)) / r.copy.gbps;
    console.log(
      `\nSpMM over copy bandwidth: at least ${(100 * worstSpmm).toFixed(0)} % ` +
        `(target ≥ ${100 * SPMM_OVER_COPY_TARGET} %: ${worstSpmm >= SPMM_OVER_COPY_TARGET ? 'met' : 'NOT met'}).`,
    );
  }

  const ratios = r.gemm.map((g) => g.gflops / (naive.get(g.channels) ?? Infinity));
  const worst = Math.min(...ratios);
  if (Number.isFinite(worst)) {
    const ok = worst >= TILED_OVER_NAIVE_TARGET;
    console.log(
      `\nTiled over naive: at least ${worst.toFixed(2)}× ` +
        `(target ≥ ${TILED_OVER_NAIVE_TARGET}×: ${ok ? 'met' : 'NOT met'}).`,
    );
  }
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const [i, r] of rows.entries()) {
    console.log(
      r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
