// Hostile and corrupted OGB and CSV inputs (issue 16): memory bombs refused as soon as a count
// disagrees with the declared one, repeated rows held once, ids bounded by what the input says the
// graph is, silently-accepted nonsense refused, and no raw runtime error or huge message.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { EdgeList } from './convert/edge-list';
import { aboutInput } from './convert/guard';
import { buildAdjacency } from './convert/edges';
import { convertDataset, type ConvertOptions } from './convert/index';
import { memoryInput, type InputFiles } from './convert/input';
import { NumberRows } from './convert/number-rows';
import { MemorySink } from './convert/write';
import { DatasetError } from './errors';
import { Rng } from './rng';
import { cpuMs } from '../testing/cpu-time';

const enc = new TextEncoder();
const gz = (text: string) => gzipSync(enc.encode(text));
/** `copies` gzip members of `text` back to back: inflates to copies × text. */
function gzMembers(text: string, copies: number): Uint8Array {
  const one = gz(text);
  const out = new Uint8Array(one.length * copies);
  for (let k = 0; k < copies; k++) out.set(one, k * one.length);
  return out;
}

const ogbFolder = (over: Record<string, Uint8Array> = {}) => ({
  'd/raw/edge.csv.gz': gz('0,1\n1,2\n2,3\n3,0\n4,5\n'),
  'd/raw/node-feat.csv.gz': gz('1,0\n0,1\n1,1\n0,0\n2,1\n1,2\n'),
  'd/raw/node-label.csv.gz': gz('0\n1\n0\n1\n0\n1\n'),
  'd/raw/num-node-list.csv.gz': gz('6\n'),
  'd/raw/num-edge-list.csv.gz': gz('5\n'),
  'd/split/s/train.csv.gz': gz('0\n1\n2\n'),
  'd/split/s/valid.csv.gz': gz('3\n4\n'),
  'd/split/s/test.csv.gz': gz('5\n'),
  ...over,
});

async function run(files: Record<string, Uint8Array | string>, opts: ConvertOptions = {}) {
  const sink = new MemorySink();
  const t0 = cpuMs();
  try {
    const r = await convertDataset(memoryInput(files, 'in'), sink, { shards: 1, ...opts });
    return { manifest: r.manifest, ms: cpuMs() - t0 };
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(DatasetError);
    expect(sink.committed).toBe(false);
    expect(sink.files.size).toBe(0);
    expect((e as Error).message.length).toBeLessThan(1200);
    return { error: e as DatasetError, ms: cpuMs() - t0 };
  }
}

async function refused(
  files: Record<string, Uint8Array | string>,
  message: RegExp,
  opts: ConvertOptions = {},
) {
  const r = await run(files, opts);
  expect(r.error?.message, 'refused').toMatch(message);
  expect(r.ms, `${r.ms.toFixed(0)} ms of CPU`).toBeLessThan(5000);
  return r.error!;
}

describe('memory bombs from tiny files (defect 2)', () => {
  it('refuses a two-line edges.csv naming node 4294967294 at once, saying what it implies', async () => {
    await refused(
      { 'edges.csv': '0,1\n1,4294967294\n', 'labels.csv': '0\n1\n' },
      /^in\/edges\.csv: line 2, target: expected a node id below 33554432 \(the default --max-nodes\), found 4294967294, which implies a graph of 4294967295 nodes$/,
    );
    await refused(
      { 'edges.csv': '0,1\n1,2\n', 'labels.csv': '0\n1\n' },
      /edges\.csv: line 2, target: expected a node id below 2 \(--max-nodes\), found 2/,
      { maxNodes: 2 },
    );
  });

  it('refuses an id that makes most nodes ones no file names', async () => {
    await refused(
      { 'edges.csv': '0,1\n1,2000000\n', 'labels.csv': '0\n1\n1\n' },
      /edges\.csv: line 2, target: expected a node id below 7 \(ids number the nodes from 0; all files together name at most 7 nodes\), found 2000000, which implies a graph of 2000001 nodes/,
    );
  });

  it('stops a 3 MB-style gzip bomb at the first row past num-edge-list, in bounded pieces', async () => {
    // 40 members × 4 MB of "0,1": 160 MB inflated from ~160 KB.
    const bomb = gzMembers('0,1\n'.repeat(1 << 20), 40);
    expect(bomb.length).toBeLessThan(400_000);
    const before = process.memoryUsage().arrayBuffers;
    const e = await refused(
      ogbFolder({ 'd/raw/edge.csv.gz': bomb }),
      /^in\/d\/raw\/edge\.csv\.gz: rows: expected 5 \(num-edge-list\), found more: line 6 is one too many$/,
    );
    expect(e.field).toBe('rows');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('refuses a gzipped CSV of one valid row repeated ten million times, early', async () => {
    const bomb = gzMembers('0,1\n'.repeat(1 << 20), 10);
    await refused(
      { 'edges.csv.gz': bomb, 'labels.csv': '0\n1\n' },
      /^in\/edges\.csv\.gz: rows: expected an edge list of mostly distinct edges \(at most 100 rows per distinct edge\), found 65536 rows holding 1 distinct edges \(a decompression bomb, or repeats to remove first\)$/,
      { compactEdgesAt: 1 << 16 },
    );
  });

  it('holds repeated rows once: memory follows the distinct edges', async () => {
    const rows = Array.from({ length: 15_000 }, (_, k) => `${k % 300},${(k * 7) % 300}\n`).join('');
    const r = await run(
      { 'edges.csv.gz': gz(rows), 'labels.csv': '0\n1\n' },
      { compactEdgesAt: 1024 },
    );
    expect(r.error).toBeUndefined();
    expect(r.manifest!.notes.join('\n')).toMatch(/\d+ repeated edges collapsed/);
  });

  it('refuses a label file of one row repeated past the nodes the edge list names', async () => {
    await refused(
      { 'edges.csv': '0,1\n1,2\n', 'labels.csv.gz': gzMembers('0\n'.repeat(1 << 20), 4) },
      /labels\.csv\.gz: line 1031: expected a node id below 1030 \(ids past the 3 nodes of the edge list are isolated nodes: at most as many as those, plus 1024\), found 1030, which implies a graph of 1031 nodes/,
    );
    await refused(
      ogbFolder({ 'd/raw/num-node-list.csv.gz': gz('1000000\n') }),
      /num-node-list\.csv\.gz: line 1: expected a node count of at most 1036 \(ids past the 6 nodes of the edge list are isolated nodes: at most as many as those, plus 1024\), found 1000000/,
    );
  });

  it('an edge list that compacts gives the same graph, counts and first features as one that does not', () => {
    const rng = new Rng(5);
    const n = 40;
    const rows = 3000;
    const src = new Uint32Array(rows);
    const dst = new Uint32Array(rows);
    const feat = new Float32Array(rows * 2);
    const list = new EdgeList('e.csv', 256);
    list.setFeatureDim(2);
    for (let k = 0; k < rows; k++) {
      src[k] = rng.int(n);
      dst[k] = rng.int(8) === 0 ? src[k] : rng.int(n);
      feat[2 * k] = k;
      feat[2 * k + 1] = -k;
      list.push(src[k], dst[k], feat, 2 * k);
    }
    const want = buildAdjacency(n, src, dst, {
      symmetrize: true,
      edgeFeatures: { dim: 2, data: feat },
    });
    const got = list.build(n, true);
    expect(got).toEqual(want);
    expect(list.peakHeld).toBeLessThanOrEqual(2 * n * n);
  });

  it('late edge features (OGB edge-feat.csv) land on the edges that survive compaction', () => {
    const list = new EdgeList('e.csv', 4);
    const pairs = [
      [0, 1],
      [1, 2],
      [0, 1],
      [2, 2],
      [2, 0],
      [1, 2],
      [0, 1],
      [3, 1],
      [0, 3],
    ];
    pairs.forEach(([a, b]) => list.push(a, b));
    list.beginLateFeatures(1);
    pairs.forEach((_, row) => list.pushLateFeatures(row, [row * 10]));
    const src = Uint32Array.from(pairs.map((p) => p[0]));
    const dst = Uint32Array.from(pairs.map((p) => p[1]));
    const data = Float32Array.from(pairs.map((_, r) => r * 10));
    expect(list.build(4, false)).toEqual(
      buildAdjacency(4, src, dst, { symmetrize: false, edgeFeatures: { dim: 1, data } }),
    );
  });

  it('stops a node-feature or label file at the first row past the node count', async () => {
    await refused(
      ogbFolder({ 'd/raw/node-label.csv.gz': gzMembers('0\n'.repeat(1 << 20), 20) }),
      /node-label\.csv\.gz: rows: expected 6 \(one per node, num-node-list\), found more: line 7 is one too many/,
    );
    await refused(
      ogbFolder({ 'd/raw/num-node-list.csv.gz': gz('4294967295\n') }),
      /num-node-list\.csv\.gz: line 1: expected the node count: a whole number from 1 to 33554432 \(the default --max-nodes\), found 4294967295/,
    );
  });

  it('refuses an endless token or line early', async () => {
    const p = new NumberRows('t.csv', () => {});
    expect(() => p.push(enc.encode('1,' + '7'.repeat(10_000_000)))).toThrow(
      /^t\.csv: line 1, field 2: expected a number \(at most 256 characters\), found a longer token starting "7{40}"… \(256 characters\)$/,
    );
    await refused(
      { 'edges.csv': '0,1\n' + '1,'.repeat(5_000_000), 'labels.csv': '0\n1\n' },
      /edges\.csv: line 2: expected a line of at most 8388608 characters, found a longer one starting "1,1,/,
    );
  });
});

describe('silently accepted nonsense is refused (defect 5)', () => {
  it('refuses a class id of 2·10⁹ and one past 2³¹ (CSV and OGB)', async () => {
    await refused(
      { 'edges.csv': '0,1\n1,2\n', 'labels.csv': '0\n2000000000\n1\n' },
      /labels\.csv: line 2: expected a class id below 3 \(no more classes than the 3 labelled nodes\), found 2000000000, which implies 2000000001 classes/,
    );
    await refused(
      ogbFolder({ 'd/raw/node-label.csv.gz': gz('0\n1\n2147483648\n1\n0\n1\n') }),
      /node-label\.csv\.gz: line 3: expected a class id below 6 .*found 2147483648/,
    );
  });

  it('refuses negative and fractional OGB labels, NaN and float32-overflowing features', async () => {
    await refused(
      ogbFolder({ 'd/raw/node-label.csv.gz': gz('0\n1\n-1\n1\n0\n1\n') }),
      /node-label\.csv\.gz: line 3: expected a class id \(a whole number ≥ 0; empty or NaN for none\), found -1/,
    );
    await refused(
      ogbFolder({ 'd/raw/node-feat.csv.gz': gz('1,0\n0,1\n1,nan\n0,0\n2,1\n1,2\n') }),
      /node-feat\.csv\.gz: line 3, field 2: expected a finite number within float32 range, found NaN/,
    );
    await refused(
      { 'edges.csv': '0,1\n', 'features.csv': '1e39\n2\n', 'labels.csv': '0\n1\n' },
      /features\.csv: line 1, field 1: expected a finite number within float32 range \(a feature\), found "1e39"/,
    );
  });

  it('refuses a non-integer or multi-row num-edge-list', async () => {
    await refused(
      ogbFolder({ 'd/raw/num-edge-list.csv.gz': gz('4.5\n') }),
      /num-edge-list\.csv\.gz: line 1: expected the edge count: a whole number from 0 to 2147483647, found 4\.5/,
    );
    await refused(
      ogbFolder({ 'd/raw/num-node-list.csv.gz': gz('6\n6\n') }),
      /num-node-list\.csv\.gz: rows: expected 1 \(one count\), found more: line 2 is one too many/,
    );
  });

  it('refuses a node labelled or split twice with different values; counts identical repeats', async () => {
    const base = { 'edges.csv': '0,1\n1,2\n2,3\n' };
    await refused(
      { ...base, 'labels.csv': 'id,label\n0,a\n1,b\n2,a\n1,a\n3,b\n' },
      /labels\.csv: line 5: expected one label per node \(line 3 gives class 1\), found class 0 for the same node/,
    );
    await refused(
      { ...base, 'labels.csv': '0\n1\n0\n1\n', 'split.csv': '0,train\n1,valid\n0,test\n' },
      /split\.csv: line 3: expected one split per node \(line 1 gives train\), found test for the same node/,
    );
    const ok = await run({ ...base, 'labels.csv': '0,0\n1,1\n1,1\n2,0\n3,1\n' });
    expect(ok.manifest!.notes).toContain('1 repeated identical label rows');
  });
});

describe('no raw runtime error reaches the user (defect 6)', () => {
  it('an allocation failure while reading names the file being read', async () => {
    const files = memoryInput({ 'edges.csv': '0,1\n', 'labels.csv': '0\n1\n' }, 'in');
    const failing: InputFiles = {
      ...files,
      label: files.label,
      paths: files.paths,
      size: files.size,
      chunks: (p) =>
        p === 'labels.csv'
          ? (async function* () {
              yield new Uint8Array(0);
              throw new RangeError('Array buffer allocation failed');
            })()
          : files.chunks(p),
    };
    const sink = new MemorySink();
    const e = await convertDataset(failing, sink, { format: 'csv' }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(
      'in/labels.csv: size: expected a graph that fits in memory (lower --max-nodes, or convert on a larger machine), found an allocation that failed (Array buffer allocation failed) (while reading labels.csv)',
    );
    expect(sink.committed).toBe(false);
  });

  it('an error about a converted shard names the input, not the staging shard', () => {
    const e = aboutInput(
      new DatasetError('shard-002.bin', 'labels[3] (node 9)', 'a class id in 0..5', '7'),
      'in',
    );
    expect(e.message).toBe(
      'in: the converted data (shard-002.bin: labels[3] (node 9)): expected a class id in 0..5, found 7 (the input passed the converter’s checks but its result did not: please report it)',
    );
    const other = new DatasetError('in/edges.csv', 'line 2', 'x', 'y');
    expect(aboutInput(other, 'in')).toBe(other);
  });

  it('cuts a 300 KB token to a short quote', async () => {
    const e = await refused(
      { 'edges.csv': '0,1\n1,' + 'z'.repeat(300_000) + '\n', 'labels.csv': '0\n1\n' },
      /edges\.csv: line 2, target: expected a node id \(an integer ≥ 0\), found "z{40}"… \(300000 characters\)/,
    );
    expect(e.message.length).toBeLessThan(200);
  });
});
