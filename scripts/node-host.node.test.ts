// The Node host (Dawn on SwiftShader through its Vulkan ICD) against the Chromium host: the same
// short training run gives the same loss curve and the same peak bytes, and errors read the same.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { swiftShaderEnv } from './lib/swiftshader-env.ts';

const BIN = fileURLToPath(new URL('./revgnn.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'revgnn-hosts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TRAIN = ['train', '--data', 'long-range', '--model', 'rev', '--layers', '3'];
const SMALL = ['--channels', '16', '--groups', '2', '--epochs', '3'];

function run(host: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args, '--host', host], {
    encoding: 'utf8',
    timeout: 300_000,
    env: swiftShaderEnv(),
  });
}

interface TrainJson {
  epochs: { loss: number }[];
  peakBytes: number;
  peakHeldBytes: number;
  peakByTag: Record<string, number>;
}

function train(host: string): TrainJson {
  const out = join(tmp, `${host}.json`);
  const r = run(host, ...TRAIN, ...SMALL, '--out', out);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as TrainJson;
}

describe('the Node host', () => {
  it('trains like the Chromium host: same losses per epoch, same peak bytes', () => {
    const node = train('node');
    const chromium = train('chromium');
    expect(node.epochs.length).toBe(3);
    for (const [i, e] of node.epochs.entries()) {
      const c = chromium.epochs[i].loss;
      expect(Math.abs(e.loss - c) / Math.abs(c), `epoch ${i + 1}`).toBeLessThan(1e-5);
    }
    expect(node.peakBytes).toBe(chromium.peakBytes);
    expect(node.peakHeldBytes).toBe(chromium.peakHeldBytes);
    expect(node.peakByTag).toEqual(chromium.peakByTag);
  }, 400_000);

  it("reports an entry's error with the Chromium host's wording", () => {
    const r = run('node', ...TRAIN, ...SMALL, '--budget-mb', '0.5');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /error: Headless entry "train" failed: GpuOutOfMemoryError: Out of GPU memory \(budget\)/,
    );
  }, 200_000);
});
