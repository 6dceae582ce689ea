// `revgnn device-check`: one JSON about this machine's GPU — the adapter and its limits, kernel
// throughputs, one training step of rev and res GEN networks on a generated proteins-sized part
// with peak memory, a 1001-layer rev step, and PyTorch Geometric on the same part beside them.
// `--dry-run` runs the same items at small sizes (SwiftShader here). See docs/device-check.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import type { DeviceCheckArgs, DeviceCheckEngineResult } from '../../src/headless/device-check.ts';
import { DRY_PLAN, REAL_PLAN } from '../lib/device-check/plan.ts';
import { writePart } from '../lib/device-check/part.ts';
import { runPeer } from '../lib/device-check/peer.ts';
import { compare } from '../lib/device-check/report.ts';
import type { EntryRunner } from '../lib/hosts.ts';
import { addHostOption, type HostCliOptions } from './options.ts';
import { writeJson } from './train.ts';

interface DeviceCheckOptions extends HostCliOptions {
  dryRun?: boolean;
  out: string;
  python: string;
  work?: string;
}

const SEED = 0;

export async function runDeviceCheck(o: DeviceCheckOptions, runner: EntryRunner) {
  const plan = o.dryRun ? DRY_PLAN : REAL_PLAN;
  const t0 = Date.now();
  const left = () => plan.totalMs - (Date.now() - t0);
  const work = o.work ? resolve(o.work) : mkdtempSync(join(tmpdir(), 'revgnn-device-check-'));
  const partDir = join(work, 'part');
  try {
    process.stderr.write(`generating the part (${plan.part.nodes} nodes) in ${partDir}\n`);
    const part = await writePart(plan.part, partDir);
    const args: DeviceCheckArgs = {
      data: partDir,
      kernels: plan.kernels,
      steps: plan.steps,
      seed: SEED,
      budgetMs: plan.engineBudgetMs,
    };
    let engine: DeviceCheckEngineResult | null = null;
    let engineError: string | null = null;
    try {
      engine = await runner.run<DeviceCheckEngineResult>(o.host, 'device-check', args, {
        allowFolders: [partDir],
        timeoutMs: left(),
        kernels: o.kernels,
      });
    } catch (e) {
      engineError = (e as Error).message;
    }
    process.stderr.write(`peer: ${o.python} ${join('bench/pyg', 'revgnn_step.py')}\n`);
    const peer = runPeer({
      python: o.python,
      data: partDir,
      steps: plan.steps,
      reps: plan.peerReps,
      seed: SEED,
      dryRun: !!o.dryRun,
      out: join(work, 'peer.json'),
      timeoutMs: left(),
    });
    return {
      kind: 'revgnn-device-check',
      version: 1,
      mode: plan.mode,
      date: new Date().toISOString(),
      elapsedS: (Date.now() - t0) / 1000,
      host: { name: o.host, node: process.version, platform: process.platform, arch: process.arch },
      part: { ...plan.part, nodes: part.nodes, edges: part.edges },
      engineError,
      adapter: engine?.adapter ?? null,
      features: engine?.features ?? [],
      limits: engine?.limits ?? {},
      kernels: engine?.kernels ?? null,
      steps: engine?.steps ?? [],
      peer,
      comparison: compare(engine, peer),
    };
  } finally {
    if (!o.work) rmSync(work, { recursive: true, force: true });
  }
}

export function registerDeviceCheck(program: Command, runner: EntryRunner): void {
  const cmd = program
    .command('device-check')
    .description(
      "One JSON about this machine's GPU: adapter, kernels, rev/res GEN steps with peak memory, " +
        'a 1001-layer rev step, and PyTorch Geometric on the same part',
    )
    .option('--dry-run', 'the same items at small sizes (a software adapter runs it in minutes)')
    .option('--out <file>', 'where to write the JSON', 'device-check.json')
    .option('--python <exe>', 'the Python with PyTorch and PyTorch Geometric', 'python3')
    .option('--work <dir>', 'keep the generated part here (default: a temporary folder)');
  addHostOption(cmd, runner).action(async (o: DeviceCheckOptions) => {
    const result = await runDeviceCheck(o, runner);
    writeJson(o.out, result);
    for (const s of result.steps)
      process.stderr.write(
        `${s.label.padEnd(18)} ${s.status.padEnd(7)} step ${s.stepMs.toFixed(1)} ms, ` +
          `peak in use ${(s.peakBytes / 2 ** 20).toFixed(1)} MiB, held ${(s.peakHeldBytes / 2 ** 20).toFixed(1)} MiB\n`,
      );
    for (const c of result.comparison)
      process.stderr.write(
        `${c.label.padEnd(18)} engine/peer step time ×${c.stepTimeRatio.toFixed(2)}` +
          (c.memoryRatio !== null ? `, memory ×${c.memoryRatio.toFixed(2)}` : '') +
          '\n',
      );
    if (result.peer.status !== 'ok')
      process.stderr.write(`peer ${result.peer.status}: ${result.peer.reason ?? ''}\n`);
    if (result.engineError) {
      process.stderr.write(`error: ${result.engineError}\n`);
      // A timed-out entry may still hold the GPU queue: the JSON is written, leave now.
      process.exit(1);
    }
  });
}
