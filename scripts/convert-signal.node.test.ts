// `revgnn convert` interrupted while it writes (issue 16): SIGTERM cleans up as SIGINT does (one
// handler serves both) — no hidden staging folder of tens of MB, no output folder — and exits with
// the signal's code.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/graph/rng';

const BIN = fileURLToPath(new URL('./revgnn.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'revgnn-signal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A CSV graph large enough that writing its shards takes a moment. */
function bigCsv(dir: string) {
  mkdirSync(dir);
  const rng = new Rng(3);
  const n = 60_000;
  const edges: string[] = [];
  for (let k = 0; k < 240_000; k++) edges.push(`${rng.int(n)},${rng.int(n)}`);
  writeFileSync(join(dir, 'edges.csv'), edges.join('\n') + '\n');
  const feats: string[] = [];
  for (let i = 0; i < n; i++)
    feats.push(Array.from({ length: 16 }, () => rng.int(100) / 10).join(','));
  writeFileSync(join(dir, 'features.csv'), feats.join('\n') + '\n');
  writeFileSync(
    join(dir, 'labels.csv'),
    Array.from({ length: n }, (_, i) => i % 7).join('\n') + '\n',
  );
}

describe('revgnn convert and signals', () => {
  for (const signal of ['SIGTERM'] as const) {
    it(`${signal} during the write leaves no staging folder and no output`, async () => {
      const input = join(tmp, `in-${signal}`);
      bigCsv(input);
      const parent = join(tmp, `out-${signal}`);
      mkdirSync(parent);
      const out = join(parent, 'data');
      const child = spawn(
        process.execPath,
        [BIN, 'convert', '--input', input, '--out', out, '--shards', '400', '--no-progress'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      // Wait until the staging folder exists (the write has started), then interrupt.
      let seen = false;
      for (let t = 0; t < 240_000 && child.exitCode === null; t += 5) {
        if (readdirSync(parent).some((f) => f.includes('.partial-'))) {
          seen = true;
          child.kill(signal);
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const code = await exited;
      expect(seen, `the write never started: ${stderr}`).toBe(true);
      expect(code).toBe(signal === 'SIGTERM' ? 143 : 130);
      expect(readdirSync(parent)).toEqual([]);
      expect(existsSync(out)).toBe(false);
    });
  }
});
