/** Identifier and folder name of the shipped model under models/. */
export const DEFAULT_MODEL_ID = "fusion-mobilenet-v1";

export interface TrainingConfig {
  /** Augmented views extracted per training product, in addition to the original. */
  augmentedViews: number;
}

export const DEFAULT_TRAINING: TrainingConfig = {
  augmentedViews: 2,
};
