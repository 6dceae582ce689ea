// The CLI as a person runs it: through the package's bin (scripts/revgnn.mjs → tsx → cli.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('./revgnn.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'revgnn-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('revgnn convert', () => {
  const input = join(tmp, 'csv-in');
  mkdirSync(input);
  writeFileSync(join(input, 'edges.csv'), 'source,target\n0,1\n1,2\n2,3\n3,0\n');
  writeFileSync(join(input, 'labels.csv'), '0\n1\n0\n1\n');

  it('writes a dataset folder and exits 0', () => {
    const out = join(tmp, 'ok');
    const r = run(
      'convert',
      '--format',
      'csv',
      '--input',
      input,
      '--name',
      'square',
      '--out',
      out,
      '--shards',
      '2',
    );
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/square: 4 nodes, 8 stored edge entries \(symmetric\)/);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'shard-000.bin', 'shard-001.bin']);
  });

  it('exits non-zero with the message on bad input and leaves nothing behind', () => {
    const bad = join(tmp, 'bad-in');
    mkdirSync(bad);
    writeFileSync(join(bad, 'edges.csv'), '0,1\n1,-2\n');
    writeFileSync(join(bad, 'labels.csv'), '0\n1\n');
    const out = join(tmp, 'bad-out');
    const r = run('convert', '--format', 'csv', '--input', bad, '--out', out);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `error: ${join(bad, 'edges.csv')}: line 2, target: expected a node id (an integer ≥ 0), found "-2"`,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.includes('partial'))).toEqual([]);

    const r2 = run('convert', '--input', input, '--out', join(tmp, 'ok2'), '--shards', '9');
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toMatch(
      /--shards: expected a whole number from 1 to the node count \(4\), found 9/,
    );
    expect(existsSync(join(tmp, 'ok2'))).toBe(false);

    const r3 = run('convert', '--format', 'nope', '--input', input, '--out', join(tmp, 'x'));
    expect(r3.status).not.toBe(0);
    expect(r3.stderr).toMatch(/argument 'nope' is invalid/);
  });
});
