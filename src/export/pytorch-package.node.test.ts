// The package's files: every template, the README filled in, config.json as model.py reads it.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diskTemplates } from '../../scripts/lib/pytorch-templates';
import { DEFAULT_MODEL } from '../models/config';
import type { HostParams } from '../nn/params';
import { PYTORCH_TEMPLATES, pytorchPackage } from './pytorch-package';
import { BUNDLED_TEMPLATES } from './pytorch-templates';

const DIR = fileURLToPath(new URL('./pytorch/', import.meta.url));

function params(): HostParams {
  const p = (rows: number, cols: number) => ({ rows, cols, value: new Float32Array(rows * cols) });
  return {
    'encoder.weight': p(7, 4),
    'encoder.bias': p(1, 4),
    'edge_encoder.weight': p(2, 4),
    'edge_encoder.bias': p(1, 4),
    'layer0.norm.gamma': p(1, 4),
    'layer0.norm.beta': p(1, 4),
    'layer0.conv.weight': p(4, 4),
    'layer0.conv.bias': p(1, 4),
    'head.norm.gamma': p(1, 4),
    'head.norm.beta': p(1, 4),
    'head.linear.weight': p(4, 3),
    'head.linear.bias': p(1, 3),
  };
}

describe('the PyTorch package', () => {
  it('carries every file of src/export/pytorch/, in the CLI and in the page', () => {
    expect([...PYTORCH_TEMPLATES].sort()).toEqual(
      readdirSync(DIR)
        .filter((f) => !f.startsWith('.'))
        .sort(),
    );
    expect(Object.keys(BUNDLED_TEMPLATES).sort()).toEqual([...PYTORCH_TEMPLATES].sort());
  });

  it('writes config.json, weights.safetensors and a README that names the run', () => {
    const model = {
      ...DEFAULT_MODEL,
      model: 'res' as const,
      op: 'gen' as const,
      layers: 1,
      channels: 4,
    };
    const files = pytorchPackage(
      {
        checkpoint: { model, adamStep: 12, epoch: 3, params: params() },
        train: { epochs: 9, parts: 4, seed: 5 },
        dataset: { name: 'proteins', dir: '/data/proteins' },
        source: 'run.json',
      },
      diskTemplates(),
    );
    const config = JSON.parse(files['config.json'] as string);
    expect(config.model).toEqual(model);
    expect(config.dims).toEqual({ input: 7, output: 3, edge: 2 });
    expect(config.train).toMatchObject({ epochs: 9, parts: 4, seed: 5, lr: 0.005, evalParts: 1 });
    expect(config.source).toMatchObject({
      dataset: 'proteins',
      dataDir: '/data/proteins',
      epoch: 3,
    });
    const readme = files['README.md'] as string;
    expect(readme).not.toMatch(/\{\{\w+\}\}/);
    expect(readme).toContain('ResGNN GEN (softmax, learned t), 1 layer × 4 channels');
    expect(readme).toContain('after epoch 3 (12 optimizer steps)');
    expect(readme).toContain('python3 train.py --data /data/proteins');
    expect(files['weights.safetensors']).toBeInstanceOf(Uint8Array);
    expect(files['model.py']).toBe(diskTemplates()['model.py']);
  });
});
