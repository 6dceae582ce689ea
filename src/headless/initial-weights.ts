// The weights a run starts from: the engine's seeded initialisation of a model for a dataset's
// sizes, as an .rgnn file (base64). `export --run` uses it when the run kept no weights.
import { GpuRuntime } from '../gpu/runtime';
import type { DataShape, ModelConfig } from '../models/config';
import { buildModel } from '../models/index';
import { encodeCheckpoint } from '../train/checkpoint';
import { toBase64 } from '../util/base64';

export interface InitialWeightsArgs {
  model: ModelConfig;
  shape: DataShape;
  seed: number;
  datasetName: string;
}

export async function initialWeightsHeadless(args: InitialWeightsArgs): Promise<string> {
  const rt = await GpuRuntime.create();
  try {
    const network = buildModel(rt, args.model, args.shape, args.seed);
    const params = await network.store.toHost();
    network.release();
    return toBase64(
      encodeCheckpoint({
        model: args.model,
        adamStep: 0,
        epoch: 0,
        params,
        extra: { datasetName: args.datasetName, initialSeed: args.seed },
      }),
    );
  } finally {
    rt.destroy();
  }
}
