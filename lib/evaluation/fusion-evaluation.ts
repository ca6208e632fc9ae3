import * as tf from "@tensorflow/tfjs";

import { MULTI_ATTRIBUTE_GROUPS, type MultiAttributeGroup } from "../catalogue/types";
import { SINGLE_HEADS, type CategoryPrior, type FusionModel, type SingleHead } from "../vision/fusion-model";
import type { EncodedLabels } from "../vision/labels";
import { attributeRecallAtK, macroTop1Accuracy, singleAttributeAccuracy, topKAccuracy } from "./metrics";

/**
 * Runs a fusion model over cached features and scores every head with the
 * metric functions, for validation during training and for the evaluation
 * command.
 */

export interface FeatureMatrix {
  count: number;
  embeddingDimension: number;
  colourDimension: number;
  embeddings: Float32Array;
  colourFeatures: Float32Array;
}

export type PriorMode = "merchant" | "predicted";

export interface HeadScores {
  category: Float32Array[];
  attributes: Float32Array[];
  colour: Float32Array[];
  gender: Float32Array[];
  season: Float32Array[];
  usage: Float32Array[];
}

export interface HeadMetrics {
  category: { top1: number; top3: number; top5: number; macroTop1: number; count: number };
  attributes: Record<"all" | MultiAttributeGroup, { recallTop3: number; recallTop5: number; images: number }>;
  colour: { top1: number; count: number };
  gender: { top1: number; count: number };
  season: { top1: number; count: number };
  usage: { top1: number; count: number };
}

const PREDICTION_BATCH = 512;

function rows(data: Float32Array, count: number, width: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => data.slice(i * width, (i + 1) * width));
}

/**
 * Predicts all heads in batches. In "merchant" mode the true category label
 * is the prior (rows whose label is unknown fall back to the prediction).
 */
export async function predictHeads(
  model: FusionModel,
  features: FeatureMatrix,
  mode: PriorMode,
  categoryLabels: Int32Array,
): Promise<HeadScores> {
  const scores: HeadScores = { category: [], attributes: [], colour: [], gender: [], season: [], usage: [] };
  for (let start = 0; start < features.count; start += PREDICTION_BATCH) {
    const end = Math.min(features.count, start + PREDICTION_BATCH);
    const n = end - start;
    const embeddings = tf.tensor2d(
      features.embeddings.subarray(start * features.embeddingDimension, end * features.embeddingDimension),
      [n, features.embeddingDimension],
    );
    const colourFeatures = tf.tensor2d(
      features.colourFeatures.subarray(start * features.colourDimension, end * features.colourDimension),
      [n, features.colourDimension],
    );
    const prior: CategoryPrior =
      mode === "merchant" ? { kind: "merchant", categoryIndices: Array.from(categoryLabels.subarray(start, end)) } : { kind: "predicted" };
    const outputs = model.predict(embeddings, colourFeatures, prior);
    for (const key of Object.keys(scores) as (keyof HeadScores)[]) {
      const tensor = outputs[key];
      scores[key].push(...rows((await tensor.data()) as Float32Array, n, tensor.shape[1]));
      tensor.dispose();
    }
    embeddings.dispose();
    colourFeatures.dispose();
  }
  return scores;
}

/** Column indices of each attribute group in the model's attribute vocabulary. Per-group recall still ranks all attributes. */
export function attributeGroupColumns(model: FusionModel): Record<MultiAttributeGroup, number[]> {
  const columns = Object.fromEntries(MULTI_ATTRIBUTE_GROUPS.map((group) => [group, [] as number[]])) as Record<
    MultiAttributeGroup,
    number[]
  >;
  model.vocabularies.attributes.forEach((label, index) => columns[label.group].push(index));
  return columns;
}

export function scoreHeads(model: FusionModel, scores: HeadScores, labels: EncodedLabels): HeadMetrics {
  const category = Array.from(labels.category);
  const countKnown = (values: ArrayLike<number>): number => Array.from(values).filter((value) => value >= 0).length;
  const recall = (columns?: number[]) => {
    const truth = columns ? labels.attributes.map((row) => row.filter((index) => columns.includes(index))) : labels.attributes;
    return {
      recallTop3: attributeRecallAtK(scores.attributes, labels.attributes, 3, columns),
      recallTop5: attributeRecallAtK(scores.attributes, labels.attributes, 5, columns),
      images: truth.filter((row) => row.length > 0).length,
    };
  };
  const groups = attributeGroupColumns(model);
  const attributes = { all: recall() } as HeadMetrics["attributes"];
  for (const group of MULTI_ATTRIBUTE_GROUPS) attributes[group] = recall(groups[group]);

  const single = (head: SingleHead) => ({
    top1: singleAttributeAccuracy(scores[head], Array.from(labels.single[head])),
    count: countKnown(labels.single[head]),
  });
  const result: HeadMetrics = {
    category: {
      top1: topKAccuracy(scores.category, category, 1),
      top3: topKAccuracy(scores.category, category, 3),
      top5: topKAccuracy(scores.category, category, 5),
      macroTop1: macroTop1Accuracy(scores.category, category),
      count: countKnown(labels.category),
    },
    attributes,
    colour: single("colour"),
    gender: single("gender"),
    season: single("season"),
    usage: single("usage"),
  };
  for (const head of SINGLE_HEADS) result[head] = single(head);
  return result;
}
