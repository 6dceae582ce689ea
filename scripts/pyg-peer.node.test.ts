// bench/pyg/revgnn_step.py's network against the engine's: on the same generated part and the
// same weights, the plain-PyTorch twin of the PyG model (GroupAddRev's coupling around the GEN
// pre-activation block, shared dropout from the engine's hash) and the engine's float64
// reference network give the same loss. Needs Debian's python3-torch (/usr/bin/python3, or the
// Python in REVGNN_TORCH_PYTHON); PyTorch Geometric is not needed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/graph/load.ts';
import { NodeFsSource } from '../src/graph/node-source.ts';
import { DEFAULT_MODEL, type ModelConfig } from '../src/models/config.ts';
import { referenceStep, type Weights } from '../src/reference/model.ts';
import { writePart } from './lib/device-check/part.ts';

const PYTHON = process.env.REVGNN_TORCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../bench/pyg/revgnn_step.py', import.meta.url));
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'revgnn-pyg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CASES: (Partial<ModelConfig> & { seed: number })[] = [
  { model: 'rev', layers: 3, channels: 8, groups: 2, dropout: 0.2, seed: 11 },
  { model: 'rev', layers: 2, channels: 9, groups: 3, dropout: 0.1, seed: 12 },
  { model: 'res', layers: 3, channels: 8, dropout: 0.2, seed: 13 },
];

interface PeerCheck {
  loss: number;
  weights: Record<string, { shape: [number, number]; data: number[] }>;
}

describe.skipIf(!hasTorch)(`the PyTorch peer (${PYTHON})`, () => {
  it('gives the loss of the engine’s network on the same weights and part (rev C=2, C=3, res)', async () => {
    const part = join(tmp, 'part');
    await writePart({ nodes: 40, avgDegree: 5, tasks: 6, edgeDim: 8, modules: 3, seed: 3 }, part);
    const sub = (await loadDataset(new NodeFsSource(part))).graph;
    const configs = CASES.map((c) => ({ ...DEFAULT_MODEL, op: 'gen', ...c }));
    const out = join(tmp, 'check.json');
    const r = spawnSync(
      PYTHON,
      [SCRIPT, 'check', '--data', part, '--config', JSON.stringify(configs), '--out', out],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as PeerCheck[];
    for (const [i, cfg] of configs.entries()) {
      const py = results[i];
      const weights: Weights = new Map();
      const shapes = new Map<string, [number, number]>();
      for (const [name, w] of Object.entries(py.weights)) {
        weights.set(name, Float64Array.from(w.data));
        shapes.set(name, w.shape);
      }
      const ref = referenceStep(sub, cfg as ModelConfig, weights, shapes, {
        dropout: cfg.dropout,
        seed: cfg.seed,
      });
      const what = `${cfg.model} GEN ${cfg.layers}×${cfg.channels} C=${cfg.groups}`;
      // Every weight the peer has is one the engine's network uses, and the other way round.
      expect([...ref.grads.keys()].sort(), what).toEqual(Object.keys(py.weights).sort());
      expect(Math.abs(py.loss - ref.loss), what).toBeLessThan(1e-4);
      expect(ref.loss, what).toBeGreaterThan(0.1);
      console.info(`${what}: peer ${py.loss}, engine reference ${ref.loss}`);
    }
  }, 300_000);
});
