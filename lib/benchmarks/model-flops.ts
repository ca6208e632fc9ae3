import type * as tf from "@tensorflow/tfjs";

/**
 * Analytic FLOP counts of a forward pass for one image. Only the layers that
 * multiply and accumulate are counted, at 2 FLOPs per multiply-accumulate
 * (MAC): Conv2D, DepthwiseConv2D and Dense, and the matrix products of the
 * fusion heads. Bias additions, batch normalisation, activations, padding and
 * pooling are left out; the per-layer list names them so a reader can see
 * what was skipped.
 */

export interface LayerFlops {
  name: string;
  className: string;
  macs: number;
  flops: number;
}

export interface FlopCount {
  /** Sum of `flops` over the counted layers. */
  flops: number;
  macs: number;
  layers: LayerFlops[];
  /** Class names of the layers that were walked but not counted (no multiply-accumulate). */
  uncountedClasses: string[];
}

/** Layer classes with weights whose cost this module does not model, so a count that skipped them would be too low. */
const UNSUPPORTED_CLASSES = new Set(["SeparableConv2D", "Conv1D", "Conv3D", "Conv2DTranspose", "LSTM", "GRU", "SimpleRNN", "Embedding"]);

/** Returns a layer's single input or output shape without the batch dimension. */
function singleShape(shape: tf.Shape | tf.Shape[], layer: string, side: "input" | "output"): number[] {
  const nested = Array.isArray(shape[0]) || shape[0] === undefined;
  if (nested && shape.length !== 1) {
    throw new Error(`Layer "${layer}" has ${shape.length} ${side}s, but only single-${side} layers can be counted`);
  }
  const flat = (nested ? shape[0] : shape) as tf.Shape;
  const dims = flat.slice(1);
  if (dims.some((dim) => dim === null)) {
    throw new Error(`Layer "${layer}" has an unknown ${side} dimension [${flat.join(", ")}]: build the model with a fixed input size`);
  }
  return dims as number[];
}

function product(values: readonly number[]): number {
  return values.reduce((total, value) => total * value, 1);
}

/**
 * Returns the multiply-accumulates of one layer for one image, or null when
 * the layer has none. Convolutions cost one MAC per kernel tap and output
 * value: Conv2D reads every input channel, DepthwiseConv2D one.
 */
export function layerMacs(layer: tf.layers.Layer): number | null {
  const className = layer.getClassName();
  if (UNSUPPORTED_CLASSES.has(className)) {
    throw new Error(`Layer "${layer.name}" is a ${className}, which the FLOP count does not support`);
  }
  if (className !== "Conv2D" && className !== "DepthwiseConv2D" && className !== "Dense") return null;

  const inputTensor = layer.input;
  const input = singleShape(Array.isArray(inputTensor) ? inputTensor.map((tensor) => tensor.shape) : inputTensor.shape, layer.name, "input");
  const output = singleShape(layer.outputShape, layer.name, "output");
  if (className === "Dense") {
    const inputUnits = input[input.length - 1]!;
    return product(output) * inputUnits;
  }

  const config = layer.getConfig() as { kernelSize?: number | number[]; dataFormat?: string };
  if (config.dataFormat === "channelsFirst") {
    throw new Error(`Layer "${layer.name}" uses channelsFirst; the FLOP count expects channelsLast (NHWC)`);
  }
  const kernel = Array.isArray(config.kernelSize) ? config.kernelSize : [config.kernelSize ?? 1, config.kernelSize ?? 1];
  const taps = product(kernel);
  const inputChannels = className === "Conv2D" ? input[input.length - 1]! : 1;
  return product(output) * taps * inputChannels;
}

/** Walks every layer of a tfjs layers model, e.g. a backbone cut at its embedding layer with tf.model(). */
export function countModelFlops(model: tf.LayersModel): FlopCount {
  const layers: LayerFlops[] = [];
  const uncounted = new Set<string>();
  for (const layer of model.layers) {
    const macs = layerMacs(layer);
    if (macs === null) {
      uncounted.add(layer.getClassName());
      continue;
    }
    layers.push({ name: layer.name, className: layer.getClassName(), macs, flops: 2 * macs });
  }
  return summarise(layers, [...uncounted].sort());
}

/**
 * Counts matrix products given as [inputs, outputs] weight shapes, one
 * product of a 1 x inputs row per weight and image. Weights of another rank
 * (biases, scales) are skipped.
 */
export function countMatrixProductFlops(weights: Iterable<[name: string, shape: readonly number[]]>): FlopCount {
  const layers: LayerFlops[] = [];
  for (const [name, shape] of weights) {
    if (shape.length !== 2) continue;
    const macs = shape[0]! * shape[1]!;
    layers.push({ name, className: "MatMul", macs, flops: 2 * macs });
  }
  return summarise(layers, []);
}

/** Adds counts, e.g. the backbone and the heads. */
export function addFlopCounts(...counts: FlopCount[]): FlopCount {
  const uncounted = new Set(counts.flatMap((count) => count.uncountedClasses));
  return summarise(
    counts.flatMap((count) => count.layers),
    [...uncounted].sort(),
  );
}

function summarise(layers: LayerFlops[], uncountedClasses: string[]): FlopCount {
  const macs = layers.reduce((total, layer) => total + layer.macs, 0);
  return { flops: 2 * macs, macs, layers, uncountedClasses };
}
