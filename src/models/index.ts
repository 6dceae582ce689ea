// Every model kind, registered with the factory. Import buildModel from here.
import { registerModel } from './model';
import { Network } from './network';

registerModel(
  ['res', 'res-ckpt', 'rev', 'wtrev'],
  (rt, config, data, seed) => new Network(rt, config, data, seed),
);

export { buildModel, type Model, type StepResult, type LossFn, type SolverStats } from './model';
