// The command-line entry point: `npm run cli -- <command> …` or `revgnn <command> …` (bin).
// Each subcommand lives in scripts/commands/<name>.ts and registers itself here.
import { Command } from 'commander';
import { registerConvert } from './commands/convert.ts';
import { registerExport } from './commands/export.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerPredict } from './commands/predict.ts';
import { registerSweep } from './commands/sweep.ts';
import { registerTrain } from './commands/train.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('revgnn')
    .description(
      'RevGNN Studio on the command line: convert datasets, train, sweep and predict headless, export to PyTorch',
    )
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  registerConvert(program);
  registerGenerate(program);
  registerTrain(program);
  registerSweep(program);
  registerPredict(program);
  registerExport(program);
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
