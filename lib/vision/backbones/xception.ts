/**
 * Xception (Chollet 2017, "Xception: Deep Learning with Depthwise Separable
 * Convolutions") rebuilt in tfjs-layers with the layer names, shapes and
 * strides of the Keras application, so the official Keras ImageNet weight
 * file loads into it by layer name.
 *
 * The Keras source fixes the names of most layers (block1_conv1,
 * block2_sepconv1_bn, ..., block14_sepconv2_act). The residual-branch layers
 * are unnamed there, so this model gives them the automatic names of tf.keras
 * 2.x in a fresh process: conv2d to conv2d_3 for the 1x1 convolutions,
 * batch_normalization to batch_normalization_3, add to add_11, input_1.
 * Automatic names vary with the Keras version and with how many layers the
 * saving process had already built (Keras 2.0 to 2.2 start at conv2d_1), so
 * loadXceptionWeights maps a file's residual names onto these by numeric order.
 */
import * as tf from "@tensorflow/tfjs";

import type { Backbone } from "../backbone";
import { readKerasH5Weights, setKerasWeights, type KerasWeightReport } from "../weights/keras-h5";
import {
  resolveXceptionWeightsPath,
  XCEPTION_DEFAULT_INPUT_SIZE,
  XCEPTION_FEATURE_DIMENSION,
  XCEPTION_IMAGENET_CLASSES,
  XCEPTION_MIN_INPUT_SIZE,
  xceptionBackboneId,
  type XceptionWeightsSetting,
} from "./xception-weights";

export {
  resolveXceptionWeightsPath,
  XCEPTION_DEFAULT_INPUT_SIZE,
  XCEPTION_FEATURE_DIMENSION,
  XCEPTION_IMAGENET_CLASSES,
  XCEPTION_MIN_INPUT_SIZE,
  XCEPTION_NOTOP_WEIGHTS_FILE,
  XCEPTION_WEIGHTS_ENV,
  XCEPTION_WEIGHTS_SOURCE,
  xceptionBackboneId,
} from "./xception-weights";

/** Names of the residual-branch layers in this model, in network order (blocks 2, 3, 4 and 13). */
export const XCEPTION_RESIDUAL_CONV_NAMES = ["conv2d", "conv2d_1", "conv2d_2", "conv2d_3"] as const;
export const XCEPTION_RESIDUAL_BN_NAMES = [
  "batch_normalization",
  "batch_normalization_1",
  "batch_normalization_2",
  "batch_normalization_3",
] as const;

export type XceptionPooling = "avg" | "max" | "none";
const POOLING_VALUES: readonly XceptionPooling[] = ["avg", "max", "none"];

export interface XceptionOptions {
  /** Square input side in pixels, at least 71. Default 299. */
  inputSize?: number;
  /** Adds avg_pool and the softmax classifier "predictions", as Keras's include_top. Default false. */
  includeTop?: boolean;
  /** Pooling after block14_sepconv2_act when includeTop is false. "none" keeps the feature map. Default "avg". */
  pooling?: XceptionPooling;
  /** Classifier width when includeTop is true. Default 1000 (ImageNet). */
  classes?: number;
}

function validateInputSize(inputSize: number): void {
  if (!Number.isInteger(inputSize) || inputSize < XCEPTION_MIN_INPUT_SIZE) {
    throw new Error(
      `Invalid Xception inputSize ${inputSize}: expected an integer of at least ${XCEPTION_MIN_INPUT_SIZE} pixels.`,
    );
  }
}

/** Keras BatchNormalization defaults. Epsilon enters inference, so it must match the Keras model. */
function batchNorm(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: -1, momentum: 0.99, epsilon: 1e-3, name });
}

function relu(name: string): tf.layers.Layer {
  return tf.layers.activation({ activation: "relu", name });
}

function separableConv(filters: number, name: string): tf.layers.Layer {
  return tf.layers.separableConv2d({ filters, kernelSize: 3, padding: "same", useBias: false, name });
}

function applyLayer(layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(input) as tf.SymbolicTensor;
}

/**
 * Builds one downsampling block (2, 3, 4 in the entry flow and 13 in the exit
 * flow): two separable convolutions, a stride-2 max pool, and a strided 1x1
 * convolution with batch normalisation on the shortcut. Block 2 has no ReLU
 * before its first separable convolution because block1_conv2_act precedes it.
 */
function downsamplingBlock(
  input: tf.SymbolicTensor,
  spec: { block: number; filters: [number, number]; residualIndex: number; leadingRelu: boolean; addName: string },
): tf.SymbolicTensor {
  const prefix = `block${spec.block}`;
  const residualConv = tf.layers.conv2d({
    filters: spec.filters[1],
    kernelSize: 1,
    strides: 2,
    padding: "same",
    useBias: false,
    name: XCEPTION_RESIDUAL_CONV_NAMES[spec.residualIndex]!,
  });
  let residual = applyLayer(residualConv, input);
  residual = applyLayer(batchNorm(XCEPTION_RESIDUAL_BN_NAMES[spec.residualIndex]!), residual);

  let x = input;
  if (spec.leadingRelu) x = applyLayer(relu(`${prefix}_sepconv1_act`), x);
  x = applyLayer(separableConv(spec.filters[0], `${prefix}_sepconv1`), x);
  x = applyLayer(batchNorm(`${prefix}_sepconv1_bn`), x);
  x = applyLayer(relu(`${prefix}_sepconv2_act`), x);
  x = applyLayer(separableConv(spec.filters[1], `${prefix}_sepconv2`), x);
  x = applyLayer(batchNorm(`${prefix}_sepconv2_bn`), x);
  x = applyLayer(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same", name: `${prefix}_pool` }), x);
  return applyLayer(tf.layers.add({ name: spec.addName }), [x, residual]);
}

/** Builds one middle-flow block (5 to 12): three ReLU + 728-filter separable convolutions and an identity shortcut. */
function middleFlowBlock(input: tf.SymbolicTensor, block: number, addName: string): tf.SymbolicTensor {
  const prefix = `block${block}`;
  let x = input;
  for (const step of [1, 2, 3]) {
    x = applyLayer(relu(`${prefix}_sepconv${step}_act`), x);
    x = applyLayer(separableConv(728, `${prefix}_sepconv${step}`), x);
    x = applyLayer(batchNorm(`${prefix}_sepconv${step}_bn`), x);
  }
  return applyLayer(tf.layers.add({ name: addName }), [x, input]);
}

/**
 * Creates the Keras Xception architecture with freshly initialised weights.
 * It has 20,861,480 parameters without the top and 22,910,480 with the
 * 1000-class top, at any inputSize.
 */
export function createXception(options: XceptionOptions = {}): tf.LayersModel {
  const inputSize = options.inputSize ?? XCEPTION_DEFAULT_INPUT_SIZE;
  const includeTop = options.includeTop ?? false;
  const pooling = options.pooling ?? "avg";
  const classes = options.classes ?? XCEPTION_IMAGENET_CLASSES;
  validateInputSize(inputSize);
  if (!POOLING_VALUES.includes(pooling)) {
    throw new Error(`Invalid Xception pooling "${String(pooling)}": expected one of ${POOLING_VALUES.join(", ")}.`);
  }
  if (!Number.isInteger(classes) || classes < 1) {
    throw new Error(`Invalid Xception classes ${classes}: expected a positive integer.`);
  }

  const input = tf.input({ shape: [inputSize, inputSize, 3], name: "input_1" });

  // Entry flow: two plain convolutions, the first strided and both "valid".
  let x = applyLayer(
    tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, useBias: false, name: "block1_conv1" }),
    input,
  );
  x = applyLayer(batchNorm("block1_conv1_bn"), x);
  x = applyLayer(relu("block1_conv1_act"), x);
  x = applyLayer(tf.layers.conv2d({ filters: 64, kernelSize: 3, useBias: false, name: "block1_conv2" }), x);
  x = applyLayer(batchNorm("block1_conv2_bn"), x);
  x = applyLayer(relu("block1_conv2_act"), x);

  // The adds carry Keras's automatic names in network order: add, add_1, ..., add_11.
  x = downsamplingBlock(x, { block: 2, filters: [128, 128], residualIndex: 0, leadingRelu: false, addName: "add" });
  x = downsamplingBlock(x, { block: 3, filters: [256, 256], residualIndex: 1, leadingRelu: true, addName: "add_1" });
  x = downsamplingBlock(x, { block: 4, filters: [728, 728], residualIndex: 2, leadingRelu: true, addName: "add_2" });

  // Middle flow: eight identical blocks at 728 channels.
  for (let block = 5; block <= 12; block++) {
    x = middleFlowBlock(x, block, `add_${block - 2}`);
  }

  // Exit flow.
  x = downsamplingBlock(x, { block: 13, filters: [728, 1024], residualIndex: 3, leadingRelu: true, addName: "add_11" });
  x = applyLayer(separableConv(1536, "block14_sepconv1"), x);
  x = applyLayer(batchNorm("block14_sepconv1_bn"), x);
  x = applyLayer(relu("block14_sepconv1_act"), x);
  x = applyLayer(separableConv(XCEPTION_FEATURE_DIMENSION, "block14_sepconv2"), x);
  x = applyLayer(batchNorm("block14_sepconv2_bn"), x);
  x = applyLayer(relu("block14_sepconv2_act"), x);

  // Without the top Keras leaves the pooling layer unnamed (global_average_pooling2d in tf.keras).
  // It is named avg_pool or max_pool here, which does not affect loading because it has no weights.
  if (includeTop) {
    x = applyLayer(tf.layers.globalAveragePooling2d({ name: "avg_pool" }), x);
    x = applyLayer(tf.layers.dense({ units: classes, activation: "softmax", name: "predictions" }), x);
  } else if (pooling === "avg") {
    x = applyLayer(tf.layers.globalAveragePooling2d({ name: "avg_pool" }), x);
  } else if (pooling === "max") {
    x = applyLayer(tf.layers.globalMaxPooling2d({ name: "max_pool" }), x);
  }

  return tf.model({ inputs: input, outputs: x, name: "xception" });
}

const RESIDUAL_LAYER_FAMILIES = [
  { pattern: /^conv2d(?:_(\d+))?$/, modelNames: XCEPTION_RESIDUAL_CONV_NAMES },
  { pattern: /^batch_normalization(?:_(\d+))?$/, modelNames: XCEPTION_RESIDUAL_BN_NAMES },
] as const;

/**
 * Maps the residual-branch layer names of a Keras Xception weight file onto
 * this model's names. Keras names those layers automatically: conv2d_1 to
 * conv2d_4 in Keras 2.0 to 2.2, conv2d to conv2d_3 in tf.keras, and higher
 * numbers when the saving process had built other layers first. The file's
 * four conv2d* and four batch_normalization* layers are therefore matched in
 * numeric order. A family with a count other than four is left unmapped, and
 * the strict load then reports it.
 *
 * NOTE: the residual names in the official notop file have not been checked
 * against the real file, which is not available offline. The four layers of
 * each family have distinct shapes, so a wrong match fails the shape check.
 */
export function mapXceptionResidualLayerNames(fileLayerNames: readonly string[]): Map<string, string> {
  const nameMap = new Map<string, string>();
  for (const { pattern, modelNames } of RESIDUAL_LAYER_FAMILIES) {
    const numbered = fileLayerNames
      .map((name) => ({ name, match: pattern.exec(name) }))
      .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
      .map(({ name, match }) => ({ name, index: match[1] === undefined ? 0 : Number(match[1]) }))
      .sort((a, b) => a.index - b.index);
    if (numbered.length !== modelNames.length) continue;
    numbered.forEach(({ name }, i) => nameMap.set(name, modelNames[i]!));
  }
  return nameMap;
}

/**
 * Loads a Keras Xception HDF5 weight file into a model from createXception,
 * every layer by name except the residual branch (see
 * mapXceptionResidualLayerNames). A with-top file also loads into a model
 * without top: its "predictions" layer is skipped.
 */
export async function loadXceptionWeights(model: tf.LayersModel, weightsPath: string): Promise<KerasWeightReport> {
  const weightFile = await readKerasH5Weights(weightsPath);
  const weightedFileLayers = weightFile.layers.filter((layer) => layer.weights.length > 0).map((layer) => layer.layerName);
  const modelHasTop = model.layers.some((layer) => layer.name === "predictions");
  return setKerasWeights(model, weightFile, {
    layerNameMap: mapXceptionResidualLayerNames(weightedFileLayers),
    ignoreFileLayers: modelHasTop ? [] : ["predictions"],
  });
}

export interface XceptionBackboneConfig extends XceptionWeightsSetting {
  /** Square input side in pixels, at least 71. Default 299, the ImageNet training size. */
  inputSize?: number;
}

class XceptionBackbone implements Backbone {
  readonly dimension = XCEPTION_FEATURE_DIMENSION;
  private disposed = false;

  constructor(
    readonly id: string,
    readonly inputSize: number,
    private readonly model: tf.LayersModel,
  ) {}

  embed(images: tf.Tensor4D): tf.Tensor2D {
    if (this.disposed) throw new Error(`Backbone ${this.id} was disposed and cannot embed images.`);
    const [, height, width, channels] = images.shape;
    if (images.rank !== 4 || height !== this.inputSize || width !== this.inputSize || channels !== 3) {
      throw new Error(
        `Invalid input for backbone ${this.id}: expected shape [n, ${this.inputSize}, ${this.inputSize}, 3], ` +
          `got ${JSON.stringify(images.shape)}.`,
      );
    }
    // Keras's Xception preprocess_input ("tf" mode): RGB 0..255 scaled to -1..1.
    return tf.tidy(() => this.model.predict(images.toFloat().div(127.5).sub(1)) as tf.Tensor2D);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}

/**
 * Loads Xception with Keras weights as a Backbone that embeds images into the
 * 2048-d global average of block14_sepconv2_act, and warms it up on one zero
 * image so the first real batch does not pay for kernel setup. Uses the
 * current tfjs backend.
 */
export async function loadXceptionBackbone(config: XceptionBackboneConfig = {}): Promise<Backbone> {
  const inputSize = config.inputSize ?? XCEPTION_DEFAULT_INPUT_SIZE;
  validateInputSize(inputSize);
  const weightsPath = resolveXceptionWeightsPath(config);

  const model = createXception({ inputSize, includeTop: false, pooling: "avg" });
  try {
    await loadXceptionWeights(model, weightsPath);
  } catch (error) {
    model.dispose();
    throw error;
  }

  const backbone = new XceptionBackbone(xceptionBackboneId(weightsPath, inputSize), inputSize, model);
  tf.tidy(() => {
    backbone.embed(tf.zeros<tf.Rank.R4>([1, inputSize, inputSize, 3]));
  });
  return backbone;
}
