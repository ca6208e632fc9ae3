import { collectKnownBrands, extractBrand } from "../catalogue/brand";
import { loadAttributeVocabulary, mineTitleAttributes } from "../catalogue/title-attributes";
import type { LabelledProduct } from "../evaluation/dataset";
import type { FeatureMatrix } from "../evaluation/fusion-evaluation";
import { readView, type ViewFeatures } from "./feature-cache";
import { FEATURE_CHUNK_SIZE } from "./extract";
import type { FeatureNormalisation } from "./fusion-model";
import type { AttributeMiner } from "./labels";

/**
 * Glue between the feature cache, the catalogue's labels and the trainer:
 * the title-attribute miner, feature matrices for a set of products, and the
 * input standardisation.
 */

/** Mines title attributes with the brand (text before the gender word) removed first. */
export function createTitleAttributeMiner(taxonomy: string, products: readonly LabelledProduct[]): AttributeMiner {
  const vocabulary = loadAttributeVocabulary(taxonomy);
  const knownBrands = collectKnownBrands(products.map((product) => product.title));
  return (product) => mineTitleAttributes(product.title, extractBrand(product.title, knownBrands), vocabulary);
}

/** Reads one cached view planned for `plannedIds` and indexes its rows by product id. */
export function readIndexedView(cacheDir: string, view: string, plannedIds: readonly string[]): { features: ViewFeatures; row: Map<string, number> } {
  const features = readView(cacheDir, view, plannedIds, FEATURE_CHUNK_SIZE);
  return { features, row: new Map(features.ids.map((id, index) => [id, index])) };
}

/**
 * Builds a feature matrix from the rows of several views for the given
 * products. Products missing from a view (unreadable images) are skipped, so
 * `products` of the result lists the product of each row, in order.
 */
export function selectFeatures(
  views: readonly { features: ViewFeatures; row: Map<string, number> }[],
  products: readonly LabelledProduct[],
): FeatureMatrix & { products: LabelledProduct[] } {
  const selected: { view: ViewFeatures; row: number; product: LabelledProduct }[] = [];
  for (const view of views) {
    for (const product of products) {
      const row = view.row.get(product.id);
      if (row !== undefined) selected.push({ view: view.features, row, product });
    }
  }
  const first = views[0]!.features;
  const embeddingDimension = first.dimension;
  const colourDimension = first.colourDimension;
  const embeddings = new Float32Array(selected.length * embeddingDimension);
  const colourFeatures = new Float32Array(selected.length * colourDimension);
  selected.forEach(({ view, row }, i) => {
    embeddings.set(view.embeddings.subarray(row * embeddingDimension, (row + 1) * embeddingDimension), i * embeddingDimension);
    colourFeatures.set(view.colourFeatures.subarray(row * colourDimension, (row + 1) * colourDimension), i * colourDimension);
  });
  return {
    count: selected.length,
    embeddingDimension,
    colourDimension,
    embeddings,
    colourFeatures,
    products: selected.map((entry) => entry.product),
  };
}

/** Standard deviations below this are raised to it, so constant inputs map to 0 instead of dividing by 0. */
const MIN_STD = 1e-3;

/** sign(x) * sqrt(|x|): spreads out the small histogram shares; the model applies the same transform. */
export function signedSquareRoot(value: number): number {
  return Math.sign(value) * Math.sqrt(Math.abs(value));
}

/** Fits per-dimension mean and standard deviation (of the signed square root of colour features) on training features. */
export function fitNormalisation(features: FeatureMatrix): FeatureNormalisation {
  const fit = (data: Float32Array, width: number, transform: (value: number) => number) => {
    const mean = new Float64Array(width);
    const square = new Float64Array(width);
    for (let i = 0; i < features.count; i++) {
      for (let j = 0; j < width; j++) {
        const value = transform(data[i * width + j]!);
        mean[j]! += value;
        square[j]! += value * value;
      }
    }
    const means: number[] = [];
    const stds: number[] = [];
    for (let j = 0; j < width; j++) {
      const m = mean[j]! / Math.max(features.count, 1);
      means.push(m);
      stds.push(Math.max(MIN_STD, Math.sqrt(Math.max(0, square[j]! / Math.max(features.count, 1) - m * m))));
    }
    return { means, stds };
  };
  const embedding = fit(features.embeddings, features.embeddingDimension, (value) => value);
  const colour = fit(features.colourFeatures, features.colourDimension, signedSquareRoot);
  return {
    embeddingMean: embedding.means,
    embeddingStd: embedding.stds,
    colourMean: colour.means,
    colourStd: colour.stds,
  };
}
