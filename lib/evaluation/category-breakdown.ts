/**
 * Per-category accuracy and the confusion matrix of the category head, for
 * the evaluation report and the admin page.
 */
import { precisionAtK, topKIndices, type ScoreRow } from "./metrics";

export interface CategoryResult {
  category: string;
  /** Number of evaluated images whose true category this is. */
  support: number;
  top1: number;
}

export interface ConfusionMatrix {
  labels: string[];
  /** matrix[i][j] counts images of true category labels[i] predicted as labels[j]. */
  matrix: number[][];
}

/** Label of the row and column that collect every category outside the most frequent ones. */
export const OTHER_CATEGORIES_LABEL = "(other)";

/** Predicted class of each image: the highest score, ties going to the lower index. */
function predictedClasses(scores: readonly ScoreRow[]): number[] {
  return scores.map((row) => topKIndices(row, 1)[0] ?? -1);
}

/**
 * Computes top-1 accuracy for every category that has at least one evaluated
 * image, most frequent first (ties by name). Images with an unknown true
 * category (label < 0) are left out.
 */
export function perCategoryTop1(
  scores: readonly ScoreRow[],
  labels: ArrayLike<number>,
  names: readonly string[],
): CategoryResult[] {
  const predicted = predictedClasses(scores);
  const support = new Map<number, number>();
  const correct = new Map<number, number>();

  predicted.forEach((prediction, i) => {
    const label = labels[i]!;
    if (label < 0) return;
    support.set(label, (support.get(label) ?? 0) + 1);
    if (prediction === label) correct.set(label, (correct.get(label) ?? 0) + 1);
  });

  return [...support]
    .map(([label, count]) => ({ category: names[label]!, support: count, top1: (correct.get(label) ?? 0) / count }))
    .sort((a, b) => b.support - a.support || a.category.localeCompare(b.category));
}

/**
 * Builds the confusion matrix of the `maxCategories` most frequent true
 * categories. Every other category, true or predicted, falls into one
 * OTHER_CATEGORIES_LABEL row and column, so each row sums to its support.
 */
export function confusionMatrix(
  scores: readonly ScoreRow[],
  labels: ArrayLike<number>,
  names: readonly string[],
  maxCategories: number,
): ConfusionMatrix {
  if (!Number.isInteger(maxCategories) || maxCategories < 1) {
    throw new RangeError(`Invalid maxCategories ${maxCategories}: use a whole number of at least 1`);
  }
  const frequent = perCategoryTop1(scores, labels, names)
    .slice(0, maxCategories)
    .map((result) => result.category);
  const position = new Map(frequent.map((name, i) => [name, i]));
  const otherSlot = frequent.length;
  const slot = (label: number): number => position.get(names[label] ?? "") ?? otherSlot;

  const matrix = Array.from({ length: otherSlot + 1 }, () => new Array<number>(otherSlot + 1).fill(0));
  predictedClasses(scores).forEach((prediction, i) => {
    const label = labels[i]!;
    if (label < 0) return;
    matrix[slot(label)]![slot(prediction)]! += 1;
  });

  // The "other" row and column stay only when some image falls into them.
  const otherUsed = matrix[otherSlot]!.some((count) => count > 0) || matrix.some((row) => row[otherSlot]! > 0);
  if (otherUsed) return { labels: [...frequent, OTHER_CATEGORIES_LABEL], matrix };
  return { labels: frequent, matrix: matrix.slice(0, otherSlot).map((row) => row.slice(0, otherSlot)) };
}

/**
 * Computes the category precision@k of photo search: for each query image, the share of
 * its k nearest catalogue products (itself excluded) that have the query's
 * category. `rankedIds` lists neighbours best first and may include the
 * query itself, which is skipped.
 */
export function categoryPrecisionAtK(
  queryIds: readonly string[],
  rankedIds: readonly (readonly string[])[],
  categoryOf: ReadonlyMap<string, string>,
  k: number,
): number {
  const idsByCategory = new Map<string, Set<string>>();
  for (const [id, category] of categoryOf) {
    const ids = idsByCategory.get(category) ?? new Set<string>();
    ids.add(id);
    idsByCategory.set(category, ids);
  }

  const withoutSelf = rankedIds.map((ranked, i) => ranked.filter((id) => id !== queryIds[i]).slice(0, k));
  const relevant = queryIds.map((id) => idsByCategory.get(categoryOf.get(id) ?? "") ?? new Set<string>());
  return precisionAtK(withoutSelf, relevant, k);
}
