import * as tf from "@tensorflow/tfjs";

import type { MultiAttributeGroup } from "../catalogue/types";
import { matMulFastGradient } from "./matmul";

/**
 * Heads on frozen backbone features, with the product category fused in as a
 * prior by element-wise product:
 *
 *   f = pooled backbone embedding, standardised per dimension
 *   h = colour features (./colour-features), signed square root, standardised
 *   category head:   p = softmax(W2 · relu(W1 · [f, h] + b1) + b2)
 *   prior c:         the merchant's category one-hot, or p when the merchant
 *                    gave none (so c · E is the probability-weighted mean of
 *                    the rows of E)
 *   e = softmax(c · E) · D, where E is a trainable K x D matrix. The factor D
 *       (the embedding dimension) makes a uniform e leave f unchanged, so the
 *       fused features keep the scale of f.
 *   fused = f ⊙ e
 *   attribute trunk: a = relu(A1 · [fused, h] + a1)
 *   heads on a: attributes (sigmoid, multi-label over the mined vocabulary),
 *               gender, season, usage (softmax); colour (softmax) reads [a, h].
 *
 * The category head reads the image only, never the prior: with a merchant
 * prior the fused features already contain the true category, so a category
 * head on them would only echo it.
 */

export const FUSION_FORMAT_VERSION = 1;

export interface AttributeLabel {
  group: MultiAttributeGroup;
  value: string;
}

export interface LabelVocabularies {
  category: string[];
  attributes: AttributeLabel[];
  colour: string[];
  gender: string[];
  season: string[];
  usage: string[];
}

export const SINGLE_HEADS = ["colour", "gender", "season", "usage"] as const;
export type SingleHead = (typeof SINGLE_HEADS)[number];

export interface FusionArchitecture {
  embeddingDimension: number;
  colourDimension: number;
  categoryHiddenUnits: number;
  attributeHiddenUnits: number;
  /** False for the ablation model trained without colour evidence: the colour input is then all zeros. */
  useColourFeatures: boolean;
}

/** Per-dimension standardisation fitted on the training features. */
export interface FeatureNormalisation {
  embeddingMean: number[];
  embeddingStd: number[];
  colourMean: number[];
  colourStd: number[];
}

/**
 * Source of the category prior: the merchant's category per image (index -1
 * where the merchant gave none, which uses the prediction for that image), or
 * the model's own prediction for all images.
 */
export type CategoryPrior = { kind: "merchant"; categoryIndices: readonly number[] } | { kind: "predicted" };

export interface FusionOutputs {
  category: tf.Tensor2D;
  attributes: tf.Tensor2D;
  colour: tf.Tensor2D;
  gender: tf.Tensor2D;
  season: tf.Tensor2D;
  usage: tf.Tensor2D;
}

/**
 * Fuses a category prior into features: f ⊙ (softmax(prior · E) · D), with
 * prior [n, K] (one-hot rows or probability rows), E [K, D] and f [n, D].
 */
export function fuseCategoryPrior(features: tf.Tensor2D, prior: tf.Tensor2D, embedding: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const dimension = features.shape[1];
    if (embedding.shape[1] !== dimension || embedding.shape[0] !== prior.shape[1]) {
      throw new Error(
        `Invalid fusion shapes: features [${features.shape}], prior [${prior.shape}], embedding [${embedding.shape}]`,
      );
    }
    const weights = tf.softmax(matMulFastGradient(prior, embedding)).mul(dimension);
    return features.mul(weights) as tf.Tensor2D;
  });
}

const WEIGHT_SHAPES = (a: FusionArchitecture, v: LabelVocabularies): Record<string, number[]> => {
  const input = a.embeddingDimension + a.colourDimension;
  return {
    "category/hidden/kernel": [input, a.categoryHiddenUnits],
    "category/hidden/bias": [a.categoryHiddenUnits],
    "category/output/kernel": [a.categoryHiddenUnits, v.category.length],
    "category/output/bias": [v.category.length],
    "fusion/category_embedding": [v.category.length, a.embeddingDimension],
    "attribute_trunk/kernel": [input, a.attributeHiddenUnits],
    "attribute_trunk/bias": [a.attributeHiddenUnits],
    "attributes/kernel": [a.attributeHiddenUnits, v.attributes.length],
    "attributes/bias": [v.attributes.length],
    "colour/kernel": [a.attributeHiddenUnits + a.colourDimension, v.colour.length],
    "colour/bias": [v.colour.length],
    "gender/kernel": [a.attributeHiddenUnits, v.gender.length],
    "gender/bias": [v.gender.length],
    "season/kernel": [a.attributeHiddenUnits, v.season.length],
    "season/bias": [v.season.length],
    "usage/kernel": [a.attributeHiddenUnits, v.usage.length],
    "usage/bias": [v.usage.length],
  };
};

export class FusionModel {
  readonly weights: Map<string, tf.Variable>;

  constructor(
    readonly modelId: string,
    readonly backboneId: string,
    readonly architecture: FusionArchitecture,
    readonly vocabularies: LabelVocabularies,
    readonly normalisation: FeatureNormalisation,
    weights: Map<string, tf.Variable>,
  ) {
    const shapes = WEIGHT_SHAPES(architecture, vocabularies);
    for (const [name, shape] of Object.entries(shapes)) {
      const weight = weights.get(name);
      if (!weight) throw new Error(`Fusion model ${modelId}: weight "${name}" is missing`);
      if (weight.shape.join("x") !== shape.join("x")) {
        throw new Error(`Fusion model ${modelId}: weight "${name}" has shape [${weight.shape}], expected [${shape}]`);
      }
    }
    if (normalisation.embeddingMean.length !== architecture.embeddingDimension) {
      throw new Error(`Fusion model ${modelId}: normalisation does not match embedding dimension ${architecture.embeddingDimension}`);
    }
    this.weights = weights;
  }

  /** A model with Glorot-uniform kernels, zero biases and a zero category embedding (e starts uniform). */
  static initialise(
    modelId: string,
    backboneId: string,
    architecture: FusionArchitecture,
    vocabularies: LabelVocabularies,
    normalisation: FeatureNormalisation,
    seed: number,
  ): FusionModel {
    const weights = new Map<string, tf.Variable>();
    let offset = 0;
    for (const [name, shape] of Object.entries(WEIGHT_SHAPES(architecture, vocabularies))) {
      const initial =
        name.endsWith("/kernel") && shape.length === 2
          ? tf.randomUniform(shape, -Math.sqrt(6 / (shape[0]! + shape[1]!)), Math.sqrt(6 / (shape[0]! + shape[1]!)), "float32", seed + offset++)
          : tf.zeros(shape);
      weights.set(name, tf.variable(initial, true));
      initial.dispose();
    }
    return new FusionModel(modelId, backboneId, architecture, vocabularies, normalisation, weights);
  }

  private w(name: string): tf.Variable {
    return this.weights.get(name)!;
  }

  private kernel(name: string): tf.Tensor2D {
    return this.weights.get(name)! as unknown as tf.Tensor2D;
  }

  /** Standardises raw embeddings [n, D] and colour features [n, C] into the network's inputs. */
  normaliseInputs(embeddings: tf.Tensor2D, colourFeatures: tf.Tensor2D): { f: tf.Tensor2D; h: tf.Tensor2D } {
    return tf.tidy(() => {
      const n = this.normalisation;
      const f = embeddings.sub(tf.tensor1d(n.embeddingMean)).div(tf.tensor1d(n.embeddingStd)) as tf.Tensor2D;
      const h = this.architecture.useColourFeatures
        ? (colourFeatures.sign().mul(colourFeatures.abs().sqrt()).sub(tf.tensor1d(n.colourMean)).div(tf.tensor1d(n.colourStd)) as tf.Tensor2D)
        : tf.zerosLike(colourFeatures);
      return { f, h };
    });
  }

  /**
   * Category logits from standardised inputs. `dropout` > 0 only while
   * training; `nextSeed` then seeds each dropout mask, so a run repeats.
   */
  categoryLogits(f: tf.Tensor2D, h: tf.Tensor2D, dropout = 0, inputDropout = 0, nextSeed?: () => number): tf.Tensor2D {
    const input = maybeDropout(tf.concat([f, h], 1), inputDropout, nextSeed);
    const hidden = maybeDropout(
      tf.relu(matMulFastGradient(input, this.kernel("category/hidden/kernel")).add(this.w("category/hidden/bias"))),
      dropout,
      nextSeed,
    );
    return matMulFastGradient(hidden as tf.Tensor2D, this.kernel("category/output/kernel")).add(this.w("category/output/bias")) as tf.Tensor2D;
  }

  /** Logits of the prior-conditioned heads, given the prior as one-hot or probability rows [n, K]. */
  attributeLogits(
    f: tf.Tensor2D,
    h: tf.Tensor2D,
    prior: tf.Tensor2D,
    dropout = 0,
    inputDropout = 0,
    nextSeed?: () => number,
  ): Omit<FusionOutputs, "category"> {
    const fused = fuseCategoryPrior(maybeDropout(f, inputDropout, nextSeed), prior, this.w("fusion/category_embedding") as tf.Tensor2D);
    const trunk: tf.Tensor2D = maybeDropout(
      tf.relu(
        matMulFastGradient(tf.concat([fused, h], 1), this.kernel("attribute_trunk/kernel")).add(this.w("attribute_trunk/bias")) as tf.Tensor2D,
      ),
      dropout,
      nextSeed,
    );
    const head = (name: string, input: tf.Tensor2D): tf.Tensor2D =>
      matMulFastGradient(input, this.kernel(`${name}/kernel`)).add(this.w(`${name}/bias`)) as tf.Tensor2D;
    return {
      attributes: head("attributes", trunk),
      colour: head("colour", tf.concat([trunk, h], 1) as tf.Tensor2D),
      gender: head("gender", trunk),
      season: head("season", trunk),
      usage: head("usage", trunk),
    };
  }

  /**
   * Predicts every head for raw embeddings [n, D] and colour features
   * [n, H]. Returns probabilities (softmax, or sigmoid for attributes); the
   * caller disposes them.
   */
  predict(embeddings: tf.Tensor2D, colourFeatures: tf.Tensor2D, prior: CategoryPrior): FusionOutputs {
    return tf.tidy(() => {
      const { f, h } = this.normaliseInputs(embeddings, colourFeatures);
      const category = tf.softmax(this.categoryLogits(f, h)) as tf.Tensor2D;
      const priorRows = priorTensor(prior, category, this.vocabularies.category.length);
      const logits = this.attributeLogits(f, h, priorRows);
      return {
        category,
        attributes: tf.sigmoid(logits.attributes) as tf.Tensor2D,
        colour: tf.softmax(logits.colour) as tf.Tensor2D,
        gender: tf.softmax(logits.gender) as tf.Tensor2D,
        season: tf.softmax(logits.season) as tf.Tensor2D,
        usage: tf.softmax(logits.usage) as tf.Tensor2D,
      };
    });
  }

  parameterCount(): number {
    let count = 0;
    for (const weight of this.weights.values()) count += weight.size;
    return count;
  }

  dispose(): void {
    for (const weight of this.weights.values()) weight.dispose();
  }
}

/**
 * One-hot float rows [n, depth] for class indices. Unlike tf.oneHot (tfjs
 * 4.22), it accepts depth 1, which a catalogue with a single value produces.
 */
export function oneHotRows(indices: readonly number[], depth: number): tf.Tensor2D {
  if (depth === 1) return tf.ones([indices.length, 1]);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(indices as number[], "int32"), depth).toFloat() as tf.Tensor2D);
}

function maybeDropout<T extends tf.Tensor>(x: T, rate: number, nextSeed?: () => number): T {
  return rate > 0 ? (tf.dropout(x, rate, undefined, nextSeed?.()) as T) : x;
}

function priorTensor(prior: CategoryPrior, predicted: tf.Tensor2D, categories: number): tf.Tensor2D {
  if (prior.kind === "predicted") return predicted;
  const n = predicted.shape[0];
  if (prior.categoryIndices.length !== n) {
    throw new Error(`Got ${prior.categoryIndices.length} merchant categories for ${n} images`);
  }
  for (const index of prior.categoryIndices) {
    if (!Number.isInteger(index) || index < -1 || index >= categories) {
      throw new RangeError(`Merchant category index ${index} is outside -1..${categories - 1}`);
    }
  }
  const hasMerchantCategory = tf.tensor2d(prior.categoryIndices.map((index) => (index >= 0 ? 1 : 0)), [n, 1]);
  const oneHot = oneHotRows(
    prior.categoryIndices.map((index) => Math.max(index, 0)),
    categories,
  );
  return oneHot.mul(hasMerchantCategory).add(predicted.mul(tf.scalar(1).sub(hasMerchantCategory))) as tf.Tensor2D;
}
