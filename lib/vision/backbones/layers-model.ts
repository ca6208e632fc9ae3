import fs from "node:fs";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

import type { Backbone } from "../backbone";

/**
 * A backbone from any TensorFlow.js layers-format model on disk (model.json
 * plus weight shards), cut at a named layer. A 4-D layer output is reduced by
 * global average pooling over height and width; a 2-D output is used as is.
 */

export interface LayersModelBackboneConfig {
  /** Folder with model.json and the weight files it lists. */
  modelDir: string;
  /** Name of the layer whose output becomes the embedding. */
  embeddingLayer: string;
  /** Range the model expects its RGB input scaled to, e.g. [-1, 1] for MobileNet. */
  inputRange: readonly [number, number];
  /** Stable id stored with embeddings; defaults to "<folder name>@<layer>+gap". */
  id?: string;
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/**
 * An IOHandler that reads model.json and its shards with fs, because
 * tf.io's file:// handler is only registered by tfjs-node.
 */
export function fileSystemModelHandler(modelDir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const modelPath = path.join(modelDir, "model.json");
      const json = JSON.parse(await fs.promises.readFile(modelPath, "utf8")) as ModelJson;
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new Error(`Invalid layers model ${modelPath}: modelTopology or weightsManifest is missing`);
      }
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const shard of group.paths) {
          buffers.push(await fs.promises.readFile(path.join(modelDir, shard)));
        }
      }
      const joined = Buffer.concat(buffers);
      const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
      return {
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
      };
    },
  };
}

class LayersModelBackbone implements Backbone {
  readonly id: string;
  readonly inputSize: number;
  readonly dimension: number;
  private readonly scale: number;
  private readonly offset: number;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly fullModel: tf.LayersModel,
    config: LayersModelBackboneConfig,
  ) {
    const inputShape = model.inputs[0]!.shape;
    const outputShape = model.outputs[0]!.shape;
    this.inputSize = inputShape[1]!;
    this.dimension = outputShape[outputShape.length - 1]!;
    this.id = config.id ?? `${path.basename(path.resolve(config.modelDir))}@${config.embeddingLayer}+gap`;
    const [low, high] = config.inputRange;
    this.scale = (high - low) / 255;
    this.offset = low;
  }

  embed(images: tf.Tensor4D): tf.Tensor2D {
    const [, height, width, channels] = images.shape;
    if (height !== this.inputSize || width !== this.inputSize || channels !== 3) {
      throw new Error(
        `Invalid input shape [${images.shape.join(", ")}] for backbone ${this.id}: expected [n, ${this.inputSize}, ${this.inputSize}, 3]`,
      );
    }
    return tf.tidy(() => {
      const scaled = images.toFloat().mul(this.scale).add(this.offset);
      const output = this.model.predict(scaled) as tf.Tensor;
      return (output.rank === 4 ? output.mean([1, 2]) : output) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.fullModel.dispose();
  }
}

/**
 * Loads a layers-format model from a folder, validates the embedding layer and
 * the input shape, warms it up on zeros and returns it as a Backbone.
 * Call selectBackend() (./tf-backend) first.
 */
export async function loadLayersModelBackbone(config: LayersModelBackboneConfig): Promise<Backbone> {
  const modelPath = path.join(config.modelDir, "model.json");
  if (!fs.existsSync(modelPath)) {
    throw new Error(`Backbone model not found: ${modelPath} does not exist`);
  }
  const [low, high] = config.inputRange;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new Error(`Invalid input range [${low}, ${high}]: expected two finite numbers, low < high`);
  }

  const fullModel = await tf.loadLayersModel(fileSystemModelHandler(config.modelDir));
  const layerNames = fullModel.layers.map((layer) => layer.name);
  if (!layerNames.includes(config.embeddingLayer)) {
    fullModel.dispose();
    throw new Error(
      `Embedding layer "${config.embeddingLayer}" not found in ${modelPath}. Its last layers are: ${layerNames.slice(-8).join(", ")}`,
    );
  }
  const inputShape = fullModel.inputs[0]!.shape;
  if (inputShape.length !== 4 || inputShape[1] !== inputShape[2] || inputShape[1] === null || inputShape[3] !== 3) {
    fullModel.dispose();
    throw new Error(`Unsupported input shape [${inputShape.join(", ")}] in ${modelPath}: expected a square RGB input`);
  }
  const outputRank = fullModel.getLayer(config.embeddingLayer).outputShape.length;
  if (outputRank !== 4 && outputRank !== 2) {
    fullModel.dispose();
    throw new Error(`Layer "${config.embeddingLayer}" has a rank-${outputRank} output: expected 4 (pooled here) or 2`);
  }

  const truncated = tf.model({ inputs: fullModel.inputs, outputs: fullModel.getLayer(config.embeddingLayer).output });
  const backbone = new LayersModelBackbone(truncated, fullModel, config);

  const size = backbone.inputSize;
  tf.tidy(() => {
    backbone.embed(tf.zeros([1, size, size, 3]) as tf.Tensor4D);
  });
  return backbone;
}
