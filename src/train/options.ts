// A training run's optimisation settings (no GPU imports: the CLI parses these in Node).

export interface TrainOptions {
  epochs: number;
  lr: number;
  weightDecay: number;
  /** Max global gradient norm (≤ 0: no clipping). */
  clip: number;
  seed: number;
  /** Evaluate every this many epochs (and after the last). */
  evalEvery: number;
  /** Measure the reversible reconstruction error every this many steps (0: never). */
  reconstructionEvery: number;
}

export const DEFAULT_TRAIN: TrainOptions = {
  epochs: 50,
  lr: 0.005,
  weightDecay: 0,
  clip: 1,
  seed: 0,
  evalEvery: 1,
  reconstructionEvery: 0,
};
