// `revgnn predict`: the engine's full-graph logits for a weights file (.rgnn, or a safetensors from
// the PyTorch export) as a float32 N × outputs .npy in the dataset's node order — the layout the
// export's predict.py writes, so the two can be compared — and every split's metric.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import type { EntryRunner } from '../lib/hosts.ts';
import { encodeNpy } from '../../src/export/npy.ts';
import type { PredictArgs } from '../../src/headless/predict.ts';
import { floatsFromBase64, toBase64 } from '../../src/util/base64.ts';
import { addHostOption, dataRef, type HostCliOptions, wholeNumber } from './options.ts';
import { writeJson } from './train.ts';

interface PredictCliOptions extends HostCliOptions {
  weights: string;
  data: string;
  out: string;
  json?: string;
  evalParts: number;
  evalViews: number;
  stream: 'auto' | 'memory' | 'stream';
}

interface PredictResult {
  rows: number;
  cols: number;
  logits: string;
  metric: string;
  scores: { train: number; valid: number; test: number };
}

export function registerPredict(program: Command, runner: EntryRunner): void {
  const cmd = program
    .command('predict')
    .description("The engine's logits for a weights file on a dataset, as a .npy (N × outputs)")
    .requiredOption('--weights <file>', '.rgnn (train --save-weights, the page) or .safetensors')
    .requiredOption('--data <name|dir>', 'built-in dataset or a dataset folder')
    .requiredOption('--out <file>', 'the logits (.npy, float32)')
    .option('--json <file>', "also write the run's metric on every split here")
    .option('--eval-parts <Q>', 'random parts (1: the whole graph)', wholeNumber(1), 1)
    .option('--eval-views <V>', 'partitions whose predictions are averaged', wholeNumber(1), 1)
    .addOption(
      new Option('--stream <mode>', 'read the dataset part by part from its shards')
        .choices(['auto', 'memory', 'stream'])
        .default('auto'),
    );
  addHostOption(cmd, runner).action(async (o: PredictCliOptions) => {
    const data = dataRef(o.data);
    const args: PredictArgs = {
      data: data.ref,
      weights: { file: basename(o.weights), base64: toBase64(readFileSync(o.weights)) },
      evalParts: o.evalParts,
      evalViews: o.evalViews,
      stream: o.stream,
    };
    const r = await runner.run<PredictResult>(o.host, 'predict', args, {
      allowFolders: data.allow,
    });
    writeFileSync(o.out, encodeNpy(floatsFromBase64(r.logits), r.rows, r.cols));
    const s = r.scores;
    console.error(
      `wrote ${o.out} (${r.rows} × ${r.cols}); ${r.metric}: train ${s.train.toFixed(4)}, valid ${s.valid.toFixed(4)}, test ${s.test.toFixed(4)}`,
    );
    if (o.json) writeJson(o.json, { metric: r.metric, ...s });
  });
}
