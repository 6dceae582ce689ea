// The command-line entry point: `npm run cli -- <command> …` or `revgnn <command> …` (bin).
// Each subcommand lives in scripts/commands/<name>.ts and registers itself here.
import { Command } from 'commander';
import { registerBench } from './commands/bench.ts';
import { registerConvert } from './commands/convert.ts';
import { registerDeviceCheck } from './commands/device-check.ts';
import { registerExport } from './commands/export.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerPredict } from './commands/predict.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerTrain } from './commands/train.ts';
import { devRunner } from './lib/hosts.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('revgnn')
    .description(
      'RevGNN Studio on the command line: convert datasets, train, sweep, predict and benchmark headless, export to PyTorch',
    )
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  registerConvert(program);
  registerGenerate(program);
  registerTrain(program, devRunner);
  registerSweep(program, devRunner);
  registerBench(program, devRunner);
  registerDeviceCheck(program, devRunner);
  registerPredict(program, devRunner);
  registerExport(program, devRunner);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

const invokedDirectly =
  import.meta.url === `file://${process.argv[1]}` || /cli\.ts$/.test(process.argv[1] ?? '');
if (invokedDirectly) await main();
