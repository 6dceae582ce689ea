// npm run bench:kernels -- [--out bench/results/kernels.json] [--rows 10000] [--channels 64,128,256]
//   [--host auto|chromium|node]
// Times every variant of every kernel family the adapter runs (GEMMs against a naive GEMM, the
// memory-bound kernels against a copy roofline) on WebGPU (headless Chromium, or Node with Dawn),
// prints the tables and writes the figures as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { devRunner, type HostChoice } from './lib/hosts.ts';
import type { BenchKernelsArgs, KernelBenchResult } from '../src/headless/bench-kernels.ts';
import type { VariantThroughput } from '../src/kernels/bench-variants.ts';

/** The issue's target: the register-tiled GEMM at least this many times the naive one. */
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
  .description(
    'Benchmark every kernel variant (GEMM, SpMM, reductions, LayerNorm) and a copy on WebGPU.',
  )
  .option('--out <path>', 'where to write the JSON results', 'bench/results/kernels.json')
  .option('--rows <n>', 'nodes (rows of the activations)', positiveInt, 10_000)
  .option('--channels <list>', 'comma-separated channel widths', intList, [64, 128, 256])
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
  const naive = new Map(r.gemmNaive.map((n) => [n.channels, n.gflops]));
  const shape = (v: VariantThroughput) =>
    v.op.startsWith('xᵀ')
      ? `${v.channels}×${v.rows} · ${v.rows}×${v.channels}`
      : v.unit === 'GFLOP/s'
        ? `${v.rows}×${v.channels} · ${v.channels}×${v.channels}`
        : `${v.rows}×${v.channels}${v.nnz ? `, nnz ${v.nnz}` : ''}`;
  const row = (kernel: string, v: VariantThroughput, base: number | undefined) => [
    kernel,
    shape(v),
    v.ms.toFixed(3),
    v.value.toFixed(2),
    String(v.reps),
    base ? `${(v.value / base).toFixed(2)}×` : '',
  ];
  const gemm: string[][] = [['kernel', 'shape', 'ms', 'GFLOP/s', 'reps', 'vs naive']];
  for (const g of r.gemmNaive) {
    gemm.push([
      'gemm naive x·w',
      `${g.rows}×${g.channels} · ${g.channels}×${g.channels}`,
      g.ms.toFixed(3),
      g.gflops.toFixed(2),
      String(g.reps),
      '1.00×',
    ]);
  }
  const memory: string[][] = [['kernel', 'shape', 'ms', 'GB/s', 'reps', 'vs copy']];
  for (const v of r.variants) {
    const kernel = `${v.family}=${v.variant} ${v.op}`;
    if (v.unit === 'GFLOP/s') gemm.push(row(kernel, v, naive.get(v.channels)));
    else memory.push(row(kernel, v, r.copy.gbps));
  }
  printTable(gemm);

  console.log(
    `\ncopy: ${(r.copy.bytes / 2 ** 20).toFixed(0)} MiB moved (read + write) in ` +
      `${r.copy.ms.toFixed(3)} ms: ${r.copy.gbps.toFixed(2)} GB/s`,
  );
  console.log('');
  printTable(memory);
  if (r.spmm.length) {
    const worstSpmm = Math.min(...r.spmm.map((s) => s.gbps)) / r.copy.gbps;
    console.log(
      `\nSpMM (portable) over copy bandwidth: at least ${(100 * worstSpmm).toFixed(0)} % ` +
        `(target ≥ ${100 * SPMM_OVER_COPY_TARGET} %: ${worstSpmm >= SPMM_OVER_COPY_TARGET ? 'met' : 'NOT met'}).`,
    );
  }

  const ratios = r.gemm.map((g) => g.gflops / (naive.get(g.channels) ?? Infinity));
  const worst = Math.min(...ratios);
  if (Number.isFinite(worst)) {
    const ok = worst >= TILED_OVER_NAIVE_TARGET;
    console.log(
      `\nRegister-tiled over naive: at least ${worst.toFixed(2)}× ` +
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
