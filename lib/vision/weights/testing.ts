/**
 * Seeded stand-in weights for tests of the Keras weight importer and of
 * backbones built from Keras files. Not used at run time.
 */
import type * as tf from "@tensorflow/tfjs";

import type { KerasLayerWeights } from "./keras-h5";

/** Mulberry32: a small deterministic generator of floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Range of the uniform values for one weight. Kernels get variance 1/fan-in
 * and batch-norm variances stay positive, so a forward pass through a deep
 * network stays finite.
 */
function valueRange(baseName: string, shape: readonly number[]): [number, number] {
  if (baseName === "gamma" || baseName === "moving_variance") return [0.5, 1.5];
  if (baseName === "beta" || baseName === "moving_mean" || baseName === "bias") return [-0.1, 0.1];
  // Depthwise kernels [kh, kw, in, multiplier] connect each output to kh*kw inputs.
  const fanIn = baseName === "depthwise_kernel" ? shape[0]! * shape[1]! : shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const limit = Math.sqrt(3 / Math.max(fanIn, 1));
  return [-limit, limit];
}

export interface SeededKerasLayersOptions {
  /** Renames layers in the written file: model layer name to file layer name. */
  fileLayerNames?: ReadonlyMap<string, string>;
}

/**
 * Returns one entry per layer of `model`, in model order and including layers
 * without weights (as Keras's `layer_names` does), with seeded uniform values
 * in the model's weight shapes and names "<file layer>/<weight>:0".
 */
export function seededKerasLayers(
  model: tf.LayersModel,
  seed: number,
  options: SeededKerasLayersOptions = {},
): KerasLayerWeights[] {
  const random = mulberry32(seed);
  return model.layers.map((layer) => {
    const layerName = options.fileLayerNames?.get(layer.name) ?? layer.name;
    return {
      layerName,
      weights: layer.weights.map((variable) => {
        const baseName = variable.originalName.slice(variable.originalName.lastIndexOf("/") + 1);
        const shape = variable.shape.map((size) => size ?? 1);
        const [low, high] = valueRange(baseName, shape);
        const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
        for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * random();
        return { name: `${layerName}/${baseName}:0`, shape, values };
      }),
    };
  });
}
