// The paper-scale path end to end, small: generate an arxiv-like graph in OGB's raw layout,
// convert it with the OGB converter, then train by parts and evaluate by parts (two views)
// through the real CLI in headless Chromium, streaming the shards part by part.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('./revgnn.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'revgnn-scale-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });

describe('generate → convert (ogb) → train by parts → evaluate by parts', () => {
  it('runs through the CLI and reports held and in-use peaks', () => {
    const raw = join(tmp, 'arxiv-raw');
    const data = join(tmp, 'arxiv');
    const out = join(tmp, 'run.json');
    const g = run(
      'generate',
      '--like',
      'ogbn-arxiv',
      '--scale',
      '0.004',
      '--format',
      'ogb',
      '--out',
      raw,
      '--no-progress',
    );
    expect(g.stderr).not.toMatch(/error/);
    expect(g.status).toBe(0);
    const c = run(
      'convert',
      '--format',
      'ogb',
      '--input',
      raw,
      '--name',
      'ogbn-arxiv',
      '--out',
      data,
      '--shards',
      '12',
    );
    expect(c.stderr).not.toMatch(/error/);
    expect(c.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(data, 'manifest.json'), 'utf8'));
    expect(manifest.numNodes).toBe(Math.round(169_343 * 0.004));
    expect(manifest.numClasses).toBe(40);

    const t = run(
      'train',
      '--data',
      data,
      '--model',
      'rev',
      '--op',
      'gcn',
      '--layers',
      '4',
      '--channels',
      '16',
      '--groups',
      '2',
      '--parts',
      '4',
      '--eval-parts',
      '3',
      '--eval-views',
      '2',
      '--stream',
      'stream',
      '--epochs',
      '2',
      '--out',
      out,
    );
    expect(t.stderr).not.toMatch(/^error/m);
    expect(t.status).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.config).toMatchObject({ parts: 4, evalParts: 3, evalViews: 2, streamed: true });
    expect(r.epochs).toHaveLength(2);
    for (const e of r.epochs) {
      expect(Number.isFinite(e.loss)).toBe(true);
      // 40 classes: accuracy over every node of the split, computed from all three parts' logits.
      expect(e.test).toBeGreaterThanOrEqual(0);
      expect(e.test).toBeLessThanOrEqual(1);
    }
    expect(r.peakHeldBytes).toBeGreaterThanOrEqual(r.peakBytes);
    expect(r.peakBytes).toBeGreaterThan(0);
  }, 600_000);
});
