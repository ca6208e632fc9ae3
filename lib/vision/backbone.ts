import type * as tf from "@tensorflow/tfjs";

/**
 * A frozen image network that turns preprocessed images into pooled feature
 * vectors (embeddings). Implementations: the Keras Xception rebuilt in
 * tfjs-layers, and any tfjs layers-format model cut at a configured layer.
 */
export interface Backbone {
  /** Stable id recorded with every stored embedding, e.g. "mobilenet-v1-imagenet@conv_dw_13_relu+gap". */
  readonly id: string;
  /** Square input side in pixels. */
  readonly inputSize: number;
  /** Length of one embedding. */
  readonly dimension: number;
  /**
   * Embeds a batch of shape [n, inputSize, inputSize, 3] holding RGB values in
   * 0..255 (the backbone applies its own input scaling). Returns [n, dimension];
   * the caller disposes it.
   */
  embed(images: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}
