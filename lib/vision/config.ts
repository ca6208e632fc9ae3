import fs from "node:fs";
import path from "node:path";

/**
 * Settings for the vision model, read from the environment. Each reader names
 * its variable in the error so the fix is obvious.
 */

/** Environment variables as read by the settings below; tests pass plain objects. */
export type Env = Readonly<Record<string, string | undefined>>;

const SHARED_MODELS = path.resolve("..", "shared", "models");

export const MOBILENET_SOURCE =
  "the public TensorFlow.js model mobilenet_v1_1.0_224 (Keras MobileNet v1, ImageNet weights, layers format: model.json plus weight shards)";

/** Layer of MobileNet v1 whose output is pooled into the embedding (7x7x1024 at 224x224). */
export const DEFAULT_EMBEDDING_LAYER = "conv_dw_13_relu";

/**
 * Folder with a TensorFlow.js layers-format backbone (model.json and its weight
 * shards) for STYLELENS_BACKBONE mobilenet-v1 or layers-model.
 * STYLELENS_BACKBONE_DIR, else ../shared/models/mobilenet-v1-imagenet.
 */
export function backboneDir(env: Env = process.env): string {
  const configured = env.STYLELENS_BACKBONE_DIR?.trim();
  const dir = path.resolve(configured || path.join(SHARED_MODELS, "mobilenet-v1-imagenet"));
  if (!fs.existsSync(path.join(dir, "model.json"))) {
    throw new Error(
      `Backbone weights not found: ${path.join(dir, "model.json")} does not exist. ` +
        `Set STYLELENS_BACKBONE_DIR to a folder with model.json and its weight files, ` +
        `for example ${MOBILENET_SOURCE}.`,
    );
  }
  return dir;
}

/** Layer whose output becomes the embedding. STYLELENS_BACKBONE_LAYER, else conv_dw_13_relu. */
export function backboneLayer(env: Env = process.env): string {
  return env.STYLELENS_BACKBONE_LAYER?.trim() || DEFAULT_EMBEDDING_LAYER;
}

/** Folder for trained head weights, one subfolder per model id. STYLELENS_MODELS_DIR, else models/. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.STYLELENS_MODELS_DIR?.trim() || "models");
}
