// The Node host's command line as one file (`npm run build:node` → dist-node/revgnn-node.mjs):
// train, sweep, generate and device-check on Dawn's WebGPU, for a machine with Node and a GPU
// driver but no browser and no node_modules. dawn.node sits beside it.
import { Command } from 'commander';
import { registerDeviceCheck } from '../commands/device-check.ts';
import { registerGenerate } from '../commands/generate.ts';
import { registerSweep } from '../commands/sweep.ts';
import { registerTrain } from '../commands/train.ts';
import { nodeRunner } from '../lib/node-host.ts';

const program = new Command()
  .name('revgnn-node')
  .description('RevGNN Studio on Node with WebGPU (Dawn): train, sweep, generate, device-check')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) });
registerGenerate(program);
registerTrain(program, nodeRunner);
registerSweep(program, nodeRunner);
registerDeviceCheck(program, nodeRunner);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exitCode = 1;
}
