// Every model kind, registered with the factory. Import buildModel from here.
import { registerModel } from './model';
import { Network } from './network';
import { DeqNetwork } from './deq';
import { PlainNetwork } from './plain';

registerModel(
  ['res', 'res-ckpt', 'rev', 'wtrev'],
  (rt, config, data, seed) => new Network(rt, config, data, seed),
);
registerModel(['deq'], (rt, config, data, seed) => new DeqNetwork(rt, config, data, seed));
registerModel(['plain'], (rt, config, data, seed) => new PlainNetwork(rt, config, data, seed));

export {
  availableModels,
  buildModel,
  type Model,
  type StepResult,
  type LossFn,
  type SolverStats,
} from './model';
