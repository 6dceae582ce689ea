// `revgnn sweep`: one training step per model and depth, peak memory by tag from the meter.
import { Command } from 'commander';
import type { EntryRunner } from '../lib/hosts.ts';
import { formatBytes } from '../../src/util/format.ts';
import type { ModelConfig } from '../../src/models/config.ts';
import type { SweepArgs } from '../../src/headless/sweep.ts';
import type { StepMeasurement } from '../../src/train/measure.ts';
import {
  addHostOption,
  addModelOptions,
  type HostCliOptions,
  budgetBytes,
  dataRef,
  modelConfig,
  type ModelCliOptions,
  list,
  modelKind,
  wholeNumber,
} from './options.ts';
import { writeJson } from './train.ts';

interface SweepCliOptions extends ModelCliOptions, HostCliOptions {
  models: ModelConfig['model'][];
  layers: number[];
  out?: string;
}

export function registerSweep(program: Command, runner: EntryRunner): void {
  const cmd = program
    .command('sweep')
    .description('Peak memory of one training step against depth, per model');
  addHostOption(addModelOptions(cmd), runner)
    .option('--models <list>', 'comma-separated models', list(modelKind), ['res', 'rev', 'wtrev'])
    .option(
      '--layers <list>',
      'comma-separated depths (deq: iteration caps)',
      list(wholeNumber(1)),
      [2, 8, 32, 128],
    )
    .option('--out <file>', 'write the JSON rows here (default: stdout)')
    .action(async (o: SweepCliOptions) => {
      const data = dataRef(o.data);
      const args: SweepArgs = {
        data: data.ref,
        base: modelConfig(o, 'rev', 1),
        models: o.models,
        layers: o.layers,
        seed: o.seed,
        budgetBytes: budgetBytes(o.budgetMb),
      };
      const { rows } = await runner.run<{ rows: StepMeasurement[] }>(o.host, 'sweep', args, {
        allowFolders: data.allow,
        kernels: o.kernels,
      });
      writeJson(o.out, rows);
      for (const r of rows) {
        const act = r.peakByTag.activations + r.peakByTag.workspace;
        console.error(
          `${r.model.padEnd(8)} L=${String(r.layers).padEnd(5)} ${r.status.padEnd(3)} peak ${formatBytes(r.peakBytes).padStart(11)}` +
            (r.status === 'ok' ? `  activations+workspace ${formatBytes(act)}` : ''),
        );
      }
    });
}
