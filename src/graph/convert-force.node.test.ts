// The folder sink and --force (issue 16, defect 4): --force replaces only a dataset folder of this
// format that is neither the input nor holds it, only when this user may remove it, by a swap that
// is rolled back when it fails; a failure or an abort leaves no staging folder and no parent
// folder made for the output. File-system failures a root test process cannot cause (a read-only
// folder, a full disk) are injected through the sink's fs calls.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConvert } from '../../scripts/commands/convert';
import { convertDataset } from './convert/index';
import { NodeDirSink, nodeInput } from './convert/node-io';
import type { NodeDirSinkOptions } from './convert/node-sink';
import { DatasetError } from './errors';

const tmp = mkdtempSync(join(tmpdir(), 'revgnn-force-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh folder with a small CSV graph. */
function csvFolder(): string {
  const dir = join(tmp, `in-${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'edges.csv'), '0,1\n1,2\n2,3\n3,0\n');
  writeFileSync(join(dir, 'labels.csv'), '0\n1\n0\n1\n');
  return dir;
}

async function convertTo(input: string, out: string, opts: NodeDirSinkOptions = {}) {
  const sink = new NodeDirSink(out, { input, ...opts });
  await convertDataset(nodeInput(input), sink, { format: 'csv', shards: 2 });
  return sink;
}

const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]),
  );
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.partial-'));
const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

describe('--force replaces only a dataset folder that is not the input', () => {
  it('refuses --out equal to --input, leaving the input as it was', async () => {
    const input = csvFolder();
    const before = snapshot(input);
    const e = await runConvert({
      format: 'csv',
      input,
      out: input,
      force: true,
      shards: 2,
      seed: 0,
      progress: false,
    }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(
      `${input}: --force: expected an --out folder that is not the input and does not hold it, found the input itself (left untouched)`,
    );
    expect(snapshot(input)).toEqual(before);
  });

  it('refuses an --out folder that holds the input (even a dataset folder)', async () => {
    const out = join(tmp, 'holder');
    await convertTo(csvFolder(), out);
    const inner = join(out, 'edges.csv');
    writeFileSync(inner, '0,1\n');
    const e = await runConvert({
      format: 'csv',
      input: inner,
      out,
      force: true,
      shards: 1,
      seed: 0,
      progress: false,
    }).catch((x) => x);
    expect(e.message).toMatch(
      /--force: expected an --out folder that is not the input and does not hold it, found the folder holding the input .*edges\.csv \(left untouched\)/,
    );
    expect(existsSync(inner)).toBe(true);
  });

  it('refuses a folder that is not a dataset, or a dataset folder holding other files', async () => {
    const plain = join(tmp, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'thesis.tex'), 'precious');
    expect(() => new NodeDirSink(plain, { force: true })).toThrow(
      `${plain}: --force: expected a dataset folder of this format (manifest.json of "revgnn-dataset" and its shards), found a folder without a readable manifest.json (left untouched)`,
    );
    const ds = join(tmp, 'with-extra');
    await convertTo(csvFolder(), ds);
    writeFileSync(join(ds, 'notes.txt'), 'mine');
    expect(() => new NodeDirSink(ds, { force: true })).toThrow(
      /found a dataset folder that also holds "notes\.txt" \(left untouched\)/,
    );
    expect(readFileSync(join(plain, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('replaces a dataset folder, leaving no staging or .old folder', async () => {
    const out = join(tmp, 'replace-me');
    await convertTo(csvFolder(), out);
    const other = csvFolder();
    writeFileSync(join(other, 'edges.csv'), '0,1\n1,2\n2,3\n3,4\n4,0\n');
    writeFileSync(join(other, 'labels.csv'), '0\n1\n0\n1\n0\n');
    await convertTo(other, out, { force: true });
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).numNodes).toBe(5);
    expect(leftovers(tmp)).toEqual([]);
  });

  it('refuses a target this user may not replace before writing anything', async () => {
    const out = join(tmp, 'read-only');
    await convertTo(csvFolder(), out);
    const before = snapshot(out);
    const access = (p: string) => {
      if (p === out) throw errno('EACCES');
    };
    expect(() => new NodeDirSink(out, { force: true, fs: { access } })).toThrow(
      `${out}: --force: expected a folder this user may replace (write permission on it and on its parent), found ${out}: EACCES (left untouched)`,
    );
    expect(snapshot(out)).toEqual(before);
  });

  it.skipIf(process.getuid?.() === 0)(
    'refuses a read-only dataset folder (as a user, not root)',
    async () => {
      const out = join(tmp, 'really-read-only');
      await convertTo(csvFolder(), out);
      chmodSync(out, 0o555);
      try {
        expect(() => new NodeDirSink(out, { force: true })).toThrow(
          /--force: expected a folder this user may replace .* EACCES \(left untouched\)/,
        );
      } finally {
        chmodSync(out, 0o755);
      }
    },
  );

  it('puts the old dataset back when the new one cannot be moved into place', async () => {
    const out = join(tmp, 'rollback');
    await convertTo(csvFolder(), out);
    const before = snapshot(out);
    const rename = async (a: string, b: string) => {
      if (b === out && a.includes('.partial-') && !a.endsWith('.old')) throw errno('EXDEV');
      const { rename: real } = await import('node:fs/promises');
      await real(a, b);
    };
    const e = await convertTo(csvFolder(), out, { force: true, fs: { rename } }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(
      `${out}: moving the new dataset into place: expected a folder this user can write to, found EXDEV (the previous dataset was put back)`,
    );
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(tmp)).toEqual([]);
  });

  it('a failure after the first shard removes the staging folder and the parent folders it made', async () => {
    const top = join(tmp, 'new-parents');
    const out = join(top, 'a', 'b', 'out');
    let writes = 0;
    const writeFile = async (p: string, b: Uint8Array) => {
      if (++writes === 2) throw errno('ENOSPC');
      const { writeFile: real } = await import('node:fs/promises');
      await real(p, b);
    };
    const e = await convertTo(csvFolder(), out, { fs: { writeFile } }).catch((x) => x);
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.message).toBe(
      `${out}: writing: expected a folder this user can write to, with space left, found ENOSPC on shard-001.bin`,
    );
    expect(existsSync(top)).toBe(false);
  });

  it('passes --max-nodes to the converter', async () => {
    const e = await runConvert({
      format: 'csv',
      input: csvFolder(),
      out: join(tmp, 'max-nodes'),
      shards: 1,
      seed: 0,
      maxNodes: 3,
      progress: false,
    }).catch((x) => x);
    expect(e.message).toMatch(
      /edges\.csv: line 3, target: expected a node id below 3 \(--max-nodes\), found 3, which implies a graph of 4 nodes/,
    );
    expect(existsSync(join(tmp, 'max-nodes'))).toBe(false);
  });
});
