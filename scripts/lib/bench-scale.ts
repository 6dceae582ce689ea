// The Node side of `npm run bench -- --scale`: generates the proteins- and arxiv-sized datasets
// once (bench/.data/, reused while their generator settings match), runs the headless
// 'bench-scale' entry on them and writes the JSON and the README section.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGenerate } from '../commands/generate.ts';
import { runHeadless } from './headless.ts';
import { TerminalProgress } from './terminal-progress.ts';
import { renderScale, replaceScaleSection, depthRatio } from './bench-scale-report.ts';
import type { BenchScaleArgs, BenchScaleResult } from '../../src/headless/bench-scale.ts';
import type { LikeName } from '../../src/graph/generators/paper-like.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = join(ROOT, 'bench/.data');

/** Shards per dataset: several per training part keep the streamed parts random. */
const SHARDS = 40;

/** Bumped whenever `generate --like` writes different graphs for the same seed. */
const GENERATOR_VERSION = 2;

async function dataset(like: LikeName, factor: number): Promise<string> {
  // The generator's version in the name: a folder from an older generator is not reused.
  const out = join(DATA, `${like}-x${factor}-g${GENERATOR_VERSION}`);
  if (existsSync(join(out, 'manifest.json'))) {
    console.error(`using ${relative(ROOT, out)}`);
    return out;
  }
  mkdirSync(DATA, { recursive: true });
  console.error(`generating ${like} × ${factor} into ${relative(ROOT, out)} …`);
  await runGenerate({
    like,
    scale: factor,
    format: 'shards',
    shards: SHARDS,
    seed: 0,
    partitionSeed: 0,
    out,
    force: true,
  });
  return out;
}

export async function runScale(o: { factor: number; budgetGb: number; readme: boolean }) {
  const t0 = Date.now();
  const proteins = await dataset('ogbn-proteins', o.factor);
  const arxiv = await dataset('ogbn-arxiv', o.factor);
  const args: BenchScaleArgs = {
    proteins,
    arxiv,
    budgetBytes: Math.round(o.budgetGb * 2 ** 30),
    parts: 10,
    evalParts: 5,
    depths: [8, 112],
  };
  const suffix = o.factor === 1 ? '' : `-x${o.factor}`;
  const fileFor = (r: BenchScaleResult) => {
    const slug = `${r.adapter.vendor}-${r.adapter.architecture}`.replace(/[^\w.-]+/g, '_');
    return join(ROOT, 'bench/results', `${slug}-${r.date.slice(0, 10)}-scale${suffix}.json`);
  };
  const write = (path: string, r: BenchScaleResult) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
  };
  // The rows measured so far, rewritten after each one: a failure hours in keeps what was measured.
  let partialFile: string | null = null;
  const bar = new TerminalProgress();
  const result = await runHeadless<BenchScaleResult>('bench-scale', args, {
    allowFolders: [proteins, arxiv],
    onProgress: (p) => {
      bar.update(p);
      if (!p.partial) return;
      const r = p.partial as BenchScaleResult;
      partialFile = fileFor(r).replace(/\.json$/, '.partial.json');
      write(partialFile, r);
    },
  }).finally(() => bar.stop());
  const file = fileFor(result);
  write(file, result);
  if (partialFile) rmSync(partialFile, { force: true });
  console.log(
    `rev held L=${args.depths.at(-1)}/L=${args.depths[0]}: ×${depthRatio(result, 'rev').toFixed(3)}`,
  );
  console.log(`wrote ${relative(ROOT, file)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (o.readme) {
    const readmePath = join(ROOT, 'README.md');
    writeFileSync(
      readmePath,
      replaceScaleSection(
        readFileSync(readmePath, 'utf8'),
        renderScale(result, relative(ROOT, file)),
      ),
    );
    console.log('updated the scale section of README.md');
  }
}
