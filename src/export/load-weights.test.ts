// Weights from the PyTorch export into the engine's parameter store: an exact round trip, and a
// file that does not fit refused by tensor name with the expected and the found shape.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, type DataShape, type ModelConfig } from '../models/config';
import { buildModel } from '../models/index';
import { expectNoGpuErrors, sharedRuntime } from '../testing/gpu-fixture';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { checkpointToSafetensors, readWeightsFile } from './weights';

const cfg: ModelConfig = { ...DEFAULT_MODEL, model: 'wtrev', op: 'gen', layers: 2, channels: 4 };
const shape: DataShape = {
  inputDim: 3,
  inputKind: 'dense',
  outputDim: 2,
  task: 'multiclass',
  edgeDim: 2,
};

describe('loading a safetensors into the engine', () => {
  const built: { release(): void }[] = [];
  afterAll(() => built.forEach((m) => m.release()));

  it('restores every parameter exactly, and refuses a file that does not fit', async () => {
    const rt = await sharedRuntime();
    const source = buildModel(rt, cfg, shape, 1);
    const target = buildModel(rt, cfg, shape, 2);
    built.push(source, target);
    const values = await source.store.toHost();
    const bytes = checkpointToSafetensors({ model: cfg, adamStep: 5, epoch: 1, params: values });

    target.store.fromHost(readWeightsFile(bytes, 'w.safetensors').params);
    const loaded = await target.store.toHost();
    for (const [name, p] of Object.entries(values))
      expect(Array.from(loaded[name].value), name).toEqual(Array.from(p.value));

    const { tensors, metadata } = decodeSafetensors(bytes);
    tensors['tied.group1.conv.weight'] = { shape: [2, 3], data: new Float32Array(6) };
    delete tensors['edge_encoder.bias'];
    const bad = readWeightsFile(encodeSafetensors(tensors, metadata), 'bad.safetensors');
    expect(() => target.store.fromHost(bad.params)).toThrow(
      'The weights do not fit this model: tensor "edge_encoder.bias" is missing (expected shape ' +
        '[4]); tensor "tied.group1.conv.weight": expected shape [2, 2], found [2, 3].',
    );
    await expectNoGpuErrors(rt);
  });
});
