// Seeded fuzzing of the converters (issue 16): truncations and bit flips of every file of a
// Planetoid dataset (CiteSeer from ../shared when present, and a small written one), an OGB folder
// (gzipped, flipped both in the compressed bytes and in the text), a CSV folder and a dataset
// folder (manifest.json + shards, copied). Every case must
// end within a few seconds with a DatasetError naming a file of the input, or succeed — never
// hang, throw anything else, or leave an output or staging folder behind. Deterministic: the same
// seed gives the same cases.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { convertDataset, type InputFormat } from './convert/index';
import { memoryInput } from './convert/input';
import { NodeDirSink } from './convert/node-io';
import { MemorySink } from './convert/write';
import { DatasetError } from './errors';
import { Rng } from './rng';
import { planetoidFiles, smallPlanetoid } from '../testing/planetoid-pickles';
import { cpuMs } from '../testing/cpu-time';

const CITESEER = fileURLToPath(
  new URL('../../../shared/datasets/citeseer-planetoid/', import.meta.url),
);
const hasCiteseer = existsSync(join(CITESEER, 'ind.citeseer.graph'));
if (!hasCiteseer) console.warn(`Fuzzing without CiteSeer: ${CITESEER} is absent.`);

/** FUZZ_SCALE=k runs k times the cases (other seeds too: FUZZ_SEED) for a deeper local search. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const SEED = Number(process.env.FUZZ_SEED ?? 16);

const tmp = mkdtempSync(join(tmpdir(), 'revgnn-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Files = Record<string, Uint8Array>;
interface Case {
  name: string;
  files: Files;
}

/** Seeded truncations and bit flips of each file (one mutation per case). */
function mutations(files: Files, rng: Rng, truncations: number, flips: number): Case[] {
  const out: Case[] = [];
  for (const [path, bytes] of Object.entries(files)) {
    const n = bytes.length;
    const cuts = new Set([
      0,
      1,
      Math.max(0, n - 1),
      ...Array.from({ length: truncations - 3 }, () => rng.int(n)),
    ]);
    for (const at of cuts)
      out.push({
        name: `${path} cut at ${at}/${n}`,
        files: { ...files, [path]: bytes.subarray(0, at) },
      });
    for (let k = 0; k < flips; k++) {
      // A third of the flips near either end, where the structure is; the rest anywhere.
      const at =
        k % 3 === 0
          ? rng.int(Math.min(n, 64))
          : k % 3 === 1
            ? Math.max(0, n - 1 - rng.int(Math.min(n, 64)))
            : rng.int(n);
      const bit = rng.int(8);
      const copy = bytes.slice();
      copy[at] ^= 1 << bit;
      out.push({
        name: `${path} bit ${bit} of byte ${at} flipped`,
        files: { ...files, [path]: copy },
      });
    }
  }
  return out;
}

const gz = (s: string) => gzipSync(new TextEncoder().encode(s));

/** A small OGB folder, as text (to flip) and gzipped. */
function ogbText(rng: Rng): Record<string, string> {
  const n = 40;
  const edges = Array.from({ length: 100 }, () => [rng.int(n), rng.int(n)]);
  const rows = (k: number, f: (i: number) => string) =>
    Array.from({ length: k }, (_, i) => f(i)).join('\n') + '\n';
  return {
    'raw/edge.csv.gz': edges.map((e) => e.join(',')).join('\n') + '\n',
    'raw/edge-feat.csv.gz': rows(100, (i) => `${(i % 7) / 7},${i / 100}`),
    'raw/node-feat.csv.gz': rows(n, (i) => `${i / n},${(i * 3) % 5},-1.5,0`),
    'raw/node-label.csv.gz': rows(n, (i) => `${i % 4}`),
    'raw/num-node-list.csv.gz': `${n}\n`,
    'raw/num-edge-list.csv.gz': '100\n',
    'split/s/train.csv.gz': rows(20, (i) => `${i}`),
    'split/s/valid.csv.gz': rows(10, (i) => `${20 + i}`),
    'split/s/test.csv.gz': rows(10, (i) => `${30 + i}`),
  };
}

function csvFiles(rng: Rng): Files {
  const n = 50;
  const enc = new TextEncoder();
  const edges =
    Array.from({ length: 120 }, () => `${rng.int(n)},${rng.int(n)},${rng.int(9) / 4}`).join('\n') +
    '\n';
  return {
    'edges.csv.gz': gz(edges),
    'features.csv': enc.encode(
      'id,a,b,c\n' +
        Array.from({ length: n }, (_, i) => `${i},${i % 3},${i / 10},1`).join('\n') +
        '\n',
    ),
    'labels.csv': enc.encode(
      'node,label\n' +
        Array.from({ length: n }, (_, i) => `${i},${['red', 'green', 'blue'][i % 3]}`).join('\n') +
        '\n',
    ),
    'split.csv': enc.encode(
      Array.from({ length: n }, (_, i) => (i < 30 ? 'train' : i < 40 ? 'valid' : 'test')).join(
        '\n',
      ) + '\n',
    ),
  };
}

const label = join(tmp, 'input');
let serial = 0;

interface Outcome {
  ok: boolean;
  /** CPU time of the case (wall time depends on what else the machine runs). */
  ms: number;
  file?: string;
}

async function runCase(c: Case, format: InputFormat): Promise<Outcome> {
  const parent = join(tmp, `case-${serial++}`);
  const out = join(parent, 'out');
  const t0 = cpuMs();
  try {
    await convertDataset(memoryInput(c.files, label), new NodeDirSink(out), { format, shards: 2 });
    const ms = cpuMs() - t0;
    expect(existsSync(join(out, 'manifest.json')), c.name).toBe(true);
    rmSync(parent, { recursive: true, force: true });
    return { ok: true, ms };
  } catch (e) {
    const ms = cpuMs() - t0;
    if (!(e instanceof DatasetError))
      throw new Error(`${c.name}: not a DatasetError: ${String((e as Error)?.stack ?? e)}`);
    expect(e.file === label || e.file.startsWith(label + '/'), `${c.name}: names ${e.file}`).toBe(
      true,
    );
    expect(e.message.length, c.name).toBeLessThan(2000);
    // The guard's last resort (guard.ts) means a check is missing: small inputs never need it.
    expect(e.found, c.name).not.toMatch(/internal error|allocation that failed|too deep to read/);
    expect(existsSync(parent) ? readdirSync(parent) : [], `${c.name}: left output`).toEqual([]);
    if (process.env.FUZZ_LOG) console.log(c.name, '=>', e.message.replace(label, '<in>'));
    return { ok: false, ms, file: e.file.slice(label.length + 1) };
  }
}

async function fuzz(all: Case[], format: InputFormat) {
  const only = process.env.FUZZ_ONLY;
  const cases = only ? all.filter((c) => c.name.includes(only)) : all;
  const results: Outcome[] = [];
  for (const c of cases) {
    const r = await runCase(c, format);
    expect(r.ms, `${c.name} took ${r.ms.toFixed(0)} ms of CPU`).toBeLessThan(5000);
    results.push(r);
  }
  if (!cases.length) return results;
  const failed = results.filter((r) => !r.ok).length;
  const worst = Math.max(...results.map((r) => r.ms));
  console.log(
    `${format}: ${cases.length} cases, ${failed} refused, ${cases.length - failed} converted, slowest ${worst.toFixed(0)} ms of CPU`,
  );
  return results;
}

describe('fuzzing the converters (seeded)', { timeout: 120_000 * SCALE }, () => {
  it.skipIf(!hasCiteseer)(
    'CiteSeer: truncations and bit flips of every Planetoid file',
    async () => {
      const files: Files = {};
      for (const f of readdirSync(CITESEER))
        files[f] = new Uint8Array(readFileSync(join(CITESEER, f)));
      const results = await fuzz(mutations(files, new Rng(SEED), 5, 9 * SCALE), 'planetoid');
      if (!process.env.FUZZ_ONLY) expect(results.some((r) => !r.ok)).toBe(true);
    },
  );

  it('a small written Planetoid dataset: truncations and bit flips of every file', async () => {
    await fuzz(
      mutations(planetoidFiles(smallPlanetoid()), new Rng(SEED + 1), 5, 12 * SCALE),
      'planetoid',
    );
  });

  it('an OGB folder: flips of the gzip bytes and of the text inside', async () => {
    const rng = new Rng(SEED + 2);
    const text = ogbText(rng);
    const zipped: Files = Object.fromEntries(
      Object.entries(text).map(([k, v]) => [`d/${k}`, gz(v)]),
    );
    const plain: Files = Object.fromEntries(
      Object.entries(text).map(([k, v]) => [`d/${k}`, new TextEncoder().encode(v)]),
    );
    const inside = mutations(plain, rng, 3, 6 * SCALE).map((c) => ({
      name: `${c.name} (inside the gzip)`,
      files: Object.fromEntries(
        Object.entries(c.files).map(([k, v]) => [k, v === plain[k] ? zipped[k] : gzipSync(v)]),
      ),
    }));
    await fuzz([...mutations(zipped, rng, 4, 6 * SCALE), ...inside], 'ogb');
  });

  it('a CSV folder: truncations and bit flips of every file', async () => {
    await fuzz(mutations(csvFiles(new Rng(SEED + 3)), new Rng(SEED + 4), 5, 12 * SCALE), 'csv');
  });

  it('a dataset folder (copied shard by shard): truncations and bit flips of every file', async () => {
    const sink = new MemorySink();
    await convertDataset(memoryInput(csvFiles(new Rng(SEED + 5))), sink, {
      format: 'csv',
      shards: 3,
    });
    const files: Files = Object.fromEntries([...sink.files].map(([k, v]) => [`ds/${k}`, v]));
    await fuzz(mutations(files, new Rng(SEED + 6), 4, 10 * SCALE), 'dataset');
  });
});
