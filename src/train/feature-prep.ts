// The model's feature preprocessing applied to every part the trainer is given, training and
// evaluation alike. Each part's graph is prepared once: the whole-graph part (the same object
// every epoch) stays the same prepared object, so it stays resident on the GPU between epochs.
import { withRowNormalizedFeatures } from '../graph/row-normalize';
import type { Subgraph } from '../graph/types';
import type { FeaturePrep } from '../models/config';
import type { PartSchedule, TrainData } from './train-data';

export function withFeaturePrep(data: TrainData, prep: FeaturePrep | undefined): TrainData {
  if (!prep || prep === 'raw') return data;
  const prepared = new WeakMap<Subgraph, Subgraph>();
  const prepare = (g: Subgraph) => {
    let p = prepared.get(g);
    if (!p) {
      p = withRowNormalizedFeatures(g);
      prepared.set(g, p);
    }
    return p;
  };
  const map = (s: PartSchedule): PartSchedule => ({
    count: s.count,
    get: async (i) => {
      const part = await s.get(i);
      return { ...part, graph: prepare(part.graph) };
    },
  });
  return {
    ...data,
    trainParts: (epoch) => map(data.trainParts(epoch)),
    evalParts: (view) => map(data.evalParts(view)),
  };
}
