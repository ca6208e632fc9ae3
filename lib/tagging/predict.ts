import { predictHeads } from "../evaluation/fusion-evaluation";
import type { MultiAttributeGroup } from "../catalogue/types";
import type { FusionModel } from "../vision/fusion-model";
import type { ImageEmbedding } from "./embedder-pool";

/** Categories stored per image in Prediction.categoryTopK. */
export const CATEGORY_TOP_K = 5;

/**
 * Attribute probability from which a prediction becomes a ProductAttribute
 * row with source "model". Every score is kept in Prediction.attributeScores
 * either way.
 */
export const MODEL_ATTRIBUTE_THRESHOLD = 0.5;

export interface ImagePrediction {
  categoryTopK: { category: string; score: number }[];
  /** One probability per entry of the model's attribute vocabulary. */
  attributeScores: Float32Array;
  /** Attributes at or above MODEL_ATTRIBUTE_THRESHOLD, highest first. */
  attributes: { group: MultiAttributeGroup; value: string; score: number }[];
}

/**
 * Runs the fusion heads on embeddings from the embedder pool, with the
 * model's own category prediction as the category prior (a new image has no
 * trusted merchant category).
 */
export async function predictImages(model: FusionModel, images: readonly ImageEmbedding[]): Promise<ImagePrediction[]> {
  if (images.length === 0) return [];
  const { embeddingDimension, colourDimension } = model.architecture;
  const embeddings = new Float32Array(images.length * embeddingDimension);
  const colourFeatures = new Float32Array(images.length * colourDimension);
  images.forEach((image, index) => {
    if (image.embedding.length !== embeddingDimension || image.colourFeatures.length !== colourDimension) {
      throw new Error(
        `Model ${model.modelId} expects ${embeddingDimension} embedding and ${colourDimension} colour values, ` +
          `got ${image.embedding.length} and ${image.colourFeatures.length}: the backbone does not match the model`,
      );
    }
    embeddings.set(image.embedding, index * embeddingDimension);
    colourFeatures.set(image.colourFeatures, index * colourDimension);
  });

  const scores = await predictHeads(
    model,
    { count: images.length, embeddingDimension, colourDimension, embeddings, colourFeatures },
    "predicted",
    new Int32Array(images.length),
  );

  return images.map((_, index) => {
    const categoryScores = scores.category[index]!;
    const attributeScores = scores.attributes[index]!;
    const categoryTopK = topIndices(categoryScores, CATEGORY_TOP_K).map((column) => ({
      category: model.vocabularies.category[column]!,
      score: categoryScores[column]!,
    }));
    const attributes = model.vocabularies.attributes
      .map((label, column) => ({ group: label.group, value: label.value, score: attributeScores[column]! }))
      .filter((attribute) => attribute.score >= MODEL_ATTRIBUTE_THRESHOLD)
      .sort((a, b) => b.score - a.score);
    return { categoryTopK, attributeScores, attributes };
  });
}

function topIndices(values: Float32Array, k: number): number[] {
  return Array.from(values.keys())
    .sort((a, b) => values[b]! - values[a]!)
    .slice(0, k);
}
