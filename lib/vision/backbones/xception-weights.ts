/**
 * Settings of the Xception backbone that need no TensorFlow.js: the weight
 * file's setting and source, input sizes and the backbone id. Configuration
 * code imports these without loading the network.
 */
import fs from "node:fs";
import path from "node:path";

/** Smallest input side Keras accepts for Xception. At 71 pixels block 13 outputs 3x3. */
export const XCEPTION_MIN_INPUT_SIZE = 71;
export const XCEPTION_DEFAULT_INPUT_SIZE = 299;
/** Channels of block14_sepconv2_act, and so the length of the pooled embedding. */
export const XCEPTION_FEATURE_DIMENSION = 2048;
export const XCEPTION_IMAGENET_CLASSES = 1000;

export const XCEPTION_WEIGHTS_ENV = "STYLELENS_XCEPTION_WEIGHTS";
export const XCEPTION_NOTOP_WEIGHTS_FILE = "xception_weights_tf_dim_ordering_tf_kernels_notop.h5";
export const XCEPTION_WEIGHTS_SOURCE =
  `${XCEPTION_NOTOP_WEIGHTS_FILE}, the Keras ImageNet weights published as a release asset of ` +
  "keras-team/keras-applications on GitHub (release v0.1)";

export interface XceptionWeightsSetting {
  /** Keras HDF5 weight file. Default: the STYLELENS_XCEPTION_WEIGHTS environment variable. */
  weightsPath?: string;
  /** Environment that STYLELENS_XCEPTION_WEIGHTS is read from. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Resolves the Xception weight file: config.weightsPath, else
 * STYLELENS_XCEPTION_WEIGHTS. Throws a message naming the setting and the
 * file's source when neither is set or the file does not exist.
 */
export function resolveXceptionWeightsPath(config: XceptionWeightsSetting = {}): string {
  const env = config.env ?? process.env;
  const configured = config.weightsPath?.trim() || env[XCEPTION_WEIGHTS_ENV]?.trim();
  if (!configured) {
    throw new Error(
      `Xception weights not configured: set ${XCEPTION_WEIGHTS_ENV} to the path of ${XCEPTION_WEIGHTS_SOURCE}.`,
    );
  }
  const weightsPath = path.resolve(configured);
  if (!fs.existsSync(weightsPath)) {
    throw new Error(
      `Xception weights not found: ${weightsPath} does not exist. ` +
        `Set ${XCEPTION_WEIGHTS_ENV} to the path of ${XCEPTION_WEIGHTS_SOURCE}.`,
    );
  }
  return weightsPath;
}

/**
 * Backbone id: "xception-imagenet-<size>@block14_sepconv2_act+gap" for the
 * official Keras files, otherwise the weight file's base name in place of
 * "imagenet", so embeddings from differently named weight files get different ids.
 */
export function xceptionBackboneId(weightsPath: string, inputSize: number): string {
  const fileName = path.basename(weightsPath);
  const official = [XCEPTION_NOTOP_WEIGHTS_FILE, "xception_weights_tf_dim_ordering_tf_kernels.h5"];
  const weightsLabel = official.includes(fileName) ? "imagenet" : path.basename(fileName, path.extname(fileName));
  return `xception-${weightsLabel}-${inputSize}@block14_sepconv2_act+gap`;
}
