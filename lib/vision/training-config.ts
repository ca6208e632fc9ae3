import { backboneConfigFromEnv, type BackboneConfig } from "./backbone-config";
import type { Env } from "./config";

/** Identifier and folder name of the shipped model under models/. */
export const DEFAULT_MODEL_ID = "fusion-mobilenet-v1";

/** Backbone id of the shipped model: MobileNet v1 pooled at conv_dw_13_relu. */
export const SHIPPED_BACKBONE_ID = "mobilenet-v1-imagenet@conv_dw_13_relu+gap";

export interface TrainingConfig {
  /** Augmented views extracted per training product, in addition to the original. */
  augmentedViews: number;
}

export const DEFAULT_TRAINING: TrainingConfig = {
  augmentedViews: 2,
};

/**
 * Returns the model id that training writes and the worker and evaluation read
 * when none is given: the shipped id for the shipped backbone, otherwise
 * "fusion-" and the backbone id in file-name characters. Training on another
 * backbone therefore never overwrites the shipped heads.
 */
export function defaultModelId(backbone: Pick<BackboneConfig, "id">): string {
  if (backbone.id === SHIPPED_BACKBONE_ID) return DEFAULT_MODEL_ID;
  const slug = backbone.id
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[-._]+|[-._]+$/g, "");
  return `fusion-${slug}`;
}

/**
 * Returns the model the vision worker serves: STYLELENS_MODEL_ID, else the
 * default model id of the backbone that STYLELENS_BACKBONE configures.
 */
export function configuredModelId(env: Env = process.env): string {
  return env.STYLELENS_MODEL_ID?.trim() || defaultModelId(backboneConfigFromEnv(env));
}
