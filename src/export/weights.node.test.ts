// The export's view of the engine's parameters: names and shapes both ways, refusals by name.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, type ModelConfig } from '../models/config';
import type { HostParams } from '../nn/params';
import { weightProblems } from '../nn/weights-check';
import { encodeSafetensors } from './safetensors';
import { checkpointToSafetensors, exportProblems, isSafetensors, readWeightsFile } from './weights';
import { encodeCheckpoint } from '../train/checkpoint';

const model: ModelConfig = { ...DEFAULT_MODEL, model: 'rev', layers: 1, channels: 4, groups: 2 };

function host(shapes: Record<string, [number, number]>): HostParams {
  const out: HostParams = {};
  let k = 0;
  for (const [name, [rows, cols]] of Object.entries(shapes))
    out[name] = { rows, cols, value: Float32Array.from({ length: rows * cols }, () => k++) };
  return out;
}

const SHAPES: Record<string, [number, number]> = {
  'encoder.weight': [5, 4],
  'encoder.bias': [1, 4],
  'layer0.group0.norm.gamma': [1, 2],
  'layer0.group0.norm.beta': [1, 2],
  'layer0.group0.conv.weight': [2, 2],
  'layer0.group0.conv.bias': [1, 2],
  'layer0.group1.norm.gamma': [1, 2],
  'layer0.group1.norm.beta': [1, 2],
  'layer0.group1.conv.weight': [2, 2],
  'layer0.group1.conv.bias': [1, 2],
  'head.norm.gamma': [1, 4],
  'head.norm.beta': [1, 4],
  'head.linear.weight': [4, 3],
  'head.linear.bias': [1, 3],
};
const expected = Object.entries(SHAPES).map(([name, [rows, cols]]) => ({ name, rows, cols }));

describe('weights for the PyTorch export', () => {
  it('round-trips an engine checkpoint through safetensors: vectors [D], matrices [in, out]', () => {
    const params = host(SHAPES);
    const bytes = checkpointToSafetensors({ model, adamStep: 7, epoch: 3, params }, 'citation');
    expect(isSafetensors(bytes)).toBe(true);
    const c = readWeightsFile(bytes, 'w.safetensors');
    expect(c.model).toEqual(model);
    expect([c.epoch, c.adamStep, c.extra?.stepsTaken, c.extra?.datasetName]).toEqual([
      3,
      0,
      7,
      'citation',
    ]);
    expect(c.params['encoder.bias'].shape).toEqual([4]);
    expect(c.params['head.linear.weight'].shape).toEqual([4, 3]);
    for (const [name, p] of Object.entries(params)) {
      expect([c.params[name].rows, c.params[name].cols]).toEqual([p.rows, p.cols]);
      expect(Array.from(c.params[name].value)).toEqual(Array.from(p.value));
    }
    expect(weightProblems(expected, c.params)).toEqual([]);
    // The engine's own file still reads as before.
    const rgnn = encodeCheckpoint({ model, adamStep: 7, epoch: 3, params });
    expect(isSafetensors(rgnn)).toBe(false);
    expect(readWeightsFile(rgnn, 'w.rgnn').adamStep).toBe(7);
  });

  it("carries GEN's learned t and p (1×1 in the engine) as [1], in blocks and in DEQ", () => {
    const gen: ModelConfig = { ...model, op: 'gen', aggregation: 'power', learnAggr: true };
    const params = host({
      ...SHAPES,
      'layer0.group0.conv.p': [1, 1],
      'layer0.group1.conv.p': [1, 1],
      'tied.group1.conv.t': [1, 1],
      'deq.conv2.t': [1, 1],
    });
    expect(exportProblems(gen, params)).toEqual([]);
    const c = readWeightsFile(
      checkpointToSafetensors({ model: gen, adamStep: 1, epoch: 1, params }),
      'g',
    );
    expect(c.model).toEqual(gen);
    for (const name of ['layer0.group0.conv.p', 'tied.group1.conv.t', 'deq.conv2.t']) {
      expect(c.params[name].shape).toEqual([1]);
      expect([c.params[name].rows, c.params[name].cols]).toEqual([1, 1]);
      expect(Array.from(c.params[name].value)).toEqual(Array.from(params[name].value));
    }
  });

  it("carries GAT's attention vectors (a_src, a_dst[, a_edge] × width) as a matrix", () => {
    const gat: ModelConfig = { ...model, op: 'gat', heads: 2 };
    const params = host({ ...SHAPES, 'layer0.group0.conv.att': [3, 2], 'deq.conv1.att': [2, 4] });
    expect(exportProblems(gat, params)).toEqual([]);
    const c = readWeightsFile(
      checkpointToSafetensors({ model: gat, adamStep: 0, epoch: 0, params }),
      'a',
    );
    expect(c.params['layer0.group0.conv.att'].shape).toEqual([3, 2]);
    expect(c.params['deq.conv1.att'].shape).toEqual([2, 4]);
    expect(Array.from(c.params['deq.conv1.att'].value)).toEqual(
      Array.from(params['deq.conv1.att'].value),
    );
  });

  it('refuses a wrong shape or a missing tensor, naming it with the expected and found shape', () => {
    const good = checkpointToSafetensors({ model, adamStep: 0, epoch: 0, params: host(SHAPES) });
    const c = readWeightsFile(good, 'w.safetensors');
    delete c.params['layer0.group1.conv.bias'];
    c.params['layer0.group0.conv.weight'] = {
      rows: 2,
      cols: 3,
      value: new Float32Array(6),
      shape: [2, 3],
    };
    c.params['encoder.bias'] = { rows: 1, cols: 5, value: new Float32Array(5), shape: [5] };
    c.params['layer0.group0.conv.att'] = {
      rows: 1,
      cols: 2,
      value: new Float32Array(2),
      shape: [2],
    };
    expect(weightProblems(expected, c.params)).toEqual([
      'tensor "encoder.bias": expected shape [4], found [5]',
      'tensor "layer0.group0.conv.weight": expected shape [2, 2], found [2, 3]',
      'tensor "layer0.group1.conv.bias" is missing (expected shape [2])',
      'tensor "layer0.group0.conv.att" (shape [2]) is not a parameter of this model',
    ]);
  });

  it('refuses to export what model.py cannot build, by kind, operator and parameter name', () => {
    const params = host({
      ...SHAPES,
      'layer0.group0.conv.att_src': [1, 2],
      'layer0.group0.conv.t': [1, 2],
      'layer0.conv1.p': [1, 1],
      'head.linear.t': [1, 1],
    });
    expect(
      exportProblems(
        { ...model, model: 'plain', op: 'gin' as never, features: 'row-normalized' },
        params,
      ),
    ).toEqual([
      'The model kind "plain" has no PyTorch export yet (exportable: res, res-ckpt, rev, wtrev, deq).',
      'The operator "gin" has no PyTorch export yet (exportable: gcn, sage, gen, gat).',
      'The feature preprocessing "row-normalized" has no PyTorch export yet (the exported data.py feeds the features as stored).',
      'The parameter "layer0.group0.conv.att_src" (1×2) has no counterpart in the exported model.py.',
      'The parameter "layer0.group0.conv.t" (1×2) has no counterpart in the exported model.py.',
      'The parameter "layer0.conv1.p" (1×1) has no counterpart in the exported model.py.',
      'The parameter "head.linear.t" (1×1) has no counterpart in the exported model.py.',
    ]);
    expect(exportProblems(model, host(SHAPES))).toEqual([]);
  });

  it('needs a model configuration for a safetensors without the export metadata', () => {
    const bare = encodeSafetensors({ 'encoder.bias': { shape: [4], data: new Float32Array(4) } });
    expect(() => readWeightsFile(bare, 'x.safetensors')).toThrow(
      /x.safetensors: no model configuration/,
    );
    expect(readWeightsFile(bare, 'x.safetensors', model).model).toEqual(model);
    expect(() => readWeightsFile(new Uint8Array(20), 'y.bin')).toThrow(
      /y.bin: Not a usable checkpoint: the file does not start with "RGNNCKPT"\. Nor is it a safetensors file\./,
    );
  });
});
