// `revgnn bench` (and `npm run bench`): the benchmark suite on this machine's adapter — memory
// against depth, the L = 112 comparison, step time, accuracy, kernels. Writes
// bench/results/<adapter>-<date>.json and regenerates the README's results section from it.
// --scale runs only the paper-scale section (generated proteins- and arxiv-sized graphs, kept in
// bench/.data/ between runs; always in headless Chromium) and writes its own JSON and section.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { renderResults, replaceResultsSection, targetChecks } from '../lib/bench-report.ts';
import { runScale } from '../lib/bench-scale.ts';
import type { EntryRunner } from '../lib/hosts.ts';
import type { BenchArgs, BenchResult, BenchSection } from '../../src/headless/bench.ts';
import { runConvert } from './convert.ts';
import { addHostOption, list, modelKind, type HostCliOptions } from './options.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CITESEER = resolve(ROOT, '../shared/datasets/citeseer-planetoid');
const SECTIONS: BenchSection[] = ['memory', 'paper', 'speed', 'deep', 'deq', 'accuracy', 'kernels'];

function section(v: string): BenchSection {
  if (!(SECTIONS as string[]).includes(v))
    throw new Error(`unknown section "${v}" (${SECTIONS.join(', ')})`);
  return v as BenchSection;
}

interface BenchCliOptions extends HostCliOptions {
  scale?: boolean;
  scaleFactor: number;
  budgetGb: number;
  full?: boolean;
  models: BenchArgs['models'];
  sections?: BenchSection[];
  readme: boolean;
}

export function registerBench(program: Command, runner: EntryRunner): void {
  const cmd = program
    .command('bench')
    .description(
      'Memory against depth, the L = 112 comparison, step time and accuracy, on this adapter',
    )
    .option('--full', 'larger sizes, for machines with a GPU')
    .option('--models <list>', 'models to measure', list(modelKind), [
      'res',
      'res-ckpt',
      'rev',
      'wtrev',
      'deq',
    ])
    .option('--sections <list>', `sections to run (${SECTIONS.join(', ')})`, list(section))
    .option('--no-readme', 'do not rewrite the README results section')
    .option(
      '--scale',
      'only the paper-scale section (in headless Chromium): proteins- and arxiv-sized graphs, by parts',
    )
    .option('--scale-factor <F>', 'nodes and edges of the generated graphs × F', Number, 1)
    .option('--budget-gb <G>', 'scale: simulated GPU memory in GiB', Number, 8);
  addHostOption(cmd, runner).action(async (o: BenchCliOptions) => {
    if (o.scale) {
      await runScale({ factor: o.scaleFactor, budgetGb: o.budgetGb, readme: o.readme });
      return;
    }
    await runSuite(o, runner);
  });
}

async function runSuite(o: BenchCliOptions, runner: EntryRunner): Promise<void> {
  let citeseer: string | null = null;
  const tmp = mkdtempSync(join(tmpdir(), 'revgnn-bench-'));
  try {
    if (existsSync(CITESEER) && (!o.sections || o.sections.includes('accuracy'))) {
      citeseer = join(tmp, 'citeseer');
      await runConvert({
        format: 'planetoid',
        input: CITESEER,
        name: 'citeseer',
        out: citeseer,
        shards: 1,
        seed: 0,
        progress: false,
      });
    } else if (!existsSync(CITESEER)) {
      console.error(`(${CITESEER} is absent: the CiteSeer accuracy run is skipped)`);
    }
    const args: BenchArgs = { full: !!o.full, models: o.models, citeseer, sections: o.sections };
    const t0 = Date.now();
    const result = await runner.run<BenchResult>(o.host, 'bench', args, {
      allowFolders: citeseer ? [citeseer] : [],
      kernels: o.kernels,
    });
    const slug = `${result.adapter.vendor}-${result.adapter.architecture}`.replace(
      /[^\w.-]+/g,
      '_',
    );
    const file = join(
      ROOT,
      'bench/results',
      `${slug}-${result.date.slice(0, 10)}${o.full ? '-full' : ''}.json`,
    );
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(
      `\nadapter: ${result.adapter.vendor} ${result.adapter.architecture}${result.software ? ' (software: times are CPU times, not GPU speeds)' : ''}`,
    );
    for (const c of targetChecks(result))
      console.log(`${c.met ? 'met    ' : 'NOT met'}  ${c.target}: ${c.measured}`);
    console.log(`\nwrote ${relative(ROOT, file)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (o.readme && !o.sections) {
      const readmePath = join(ROOT, 'README.md');
      writeFileSync(
        readmePath,
        replaceResultsSection(
          readFileSync(readmePath, 'utf8'),
          renderResults(result, relative(ROOT, file)),
        ),
      );
      console.log('updated the results section of README.md');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
