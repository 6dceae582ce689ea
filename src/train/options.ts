// A training run's optimisation settings (no GPU imports: the CLI parses these in Node).

/** Which parameters weight decay applies to: all, or the first layer's (Kipf's GCN). */
export type WeightDecayScope = 'all' | 'first-layer';

export interface TrainOptions {
  epochs: number;
  lr: number;
  weightDecay: number;
  /** Default 'all'. */
  weightDecayScope?: WeightDecayScope;
  /** Max global gradient norm (≤ 0: no clipping). */
  clip: number;
  seed: number;
  /** Evaluate every this many epochs (and after the last). */
  evalEvery: number;
  /** Measure the reversible reconstruction error every this many steps (0: never). */
  reconstructionEvery: number;
  /**
   * Early stopping: end the run once this many epochs have passed without a better validation
   * score (0 or absent: run every epoch). The best-valid epoch is what is reported either way.
   */
  patience?: number;
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
