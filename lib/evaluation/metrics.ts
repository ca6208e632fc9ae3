/**
 * Evaluation metrics as pure functions over plain arrays, shared by the
 * evaluation command and the admin evaluation page.
 *
 * Ranking rule, used everywhere: classes are ordered by score, highest first,
 * and equal scores by class index, lowest first. So with tied scores the
 * lower index wins, which makes every metric deterministic. A class's rank is
 * 0-based, and the class is in the top k when its rank is below k. A k larger
 * than the number of classes counts every class.
 *
 * Averages over no samples are NaN (JSON.stringify writes null), because a
 * 0 would read as a measured failure.
 */

export type ScoreRow = ArrayLike<number>;

/** 0-based rank of `index` in a score row under the ranking rule above. */
export function rankOf(scores: ScoreRow, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= scores.length) {
    throw new RangeError(`Class index ${index} is outside 0..${scores.length - 1}`);
  }
  const target = scores[index]!;
  let rank = 0;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (score > target || (score === target && i < index)) rank++;
  }
  return rank;
}

/** Indices of the k best classes under the ranking rule, best first. */
export function topKIndices(scores: ScoreRow, k: number): number[] {
  const indices = Array.from({ length: scores.length }, (_, i) => i);
  indices.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return indices.slice(0, Math.max(0, k));
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`Invalid k ${k}: use a whole number of at least 1`);
}

function checkLengths(scores: readonly unknown[], labels: readonly unknown[]): void {
  if (scores.length !== labels.length) {
    throw new RangeError(`Got ${scores.length} score rows but ${labels.length} labels`);
  }
}

/**
 * Share of samples whose true class is in the top k. Labels below 0 mean
 * "unknown" and are skipped.
 */
export function topKAccuracy(scores: readonly ScoreRow[], labels: readonly number[], k: number): number {
  checkK(k);
  checkLengths(scores, labels);
  let hits = 0;
  let counted = 0;
  scores.forEach((row, i) => {
    const label = labels[i]!;
    if (label < 0) return;
    counted++;
    if (rankOf(row, label) < k) hits++;
  });
  return counted === 0 ? Number.NaN : hits / counted;
}

/** Accuracy of a single-valued attribute head (top-1). Labels below 0 are skipped. */
export function singleAttributeAccuracy(scores: readonly ScoreRow[], labels: readonly number[]): number {
  return topKAccuracy(scores, labels, 1);
}

/**
 * Top-1 accuracy per class, averaged over the classes that occur in `labels`
 * (classes without samples do not count). Labels below 0 are skipped.
 */
export function macroTop1Accuracy(scores: readonly ScoreRow[], labels: readonly number[]): number {
  checkLengths(scores, labels);
  const perClass = new Map<number, { hits: number; total: number }>();
  scores.forEach((row, i) => {
    const label = labels[i]!;
    if (label < 0) return;
    const entry = perClass.get(label) ?? { hits: 0, total: 0 };
    entry.total++;
    if (rankOf(row, label) === 0) entry.hits++;
    perClass.set(label, entry);
  });
  if (perClass.size === 0) return Number.NaN;
  let sum = 0;
  for (const { hits, total } of perClass.values()) sum += hits / total;
  return sum / perClass.size;
}

/**
 * Computes attribute top-k recall. For each image it ranks the attribute
 * scores, counts the true attributes among the top k and divides by the
 * number of true attributes. The mean is over images with at least one.
 *
 * `groupColumns` gives the per-group recall: all attributes are still ranked
 * together, but only the image's true attributes in those columns count, and
 * images with none of them are skipped.
 */
export function attributeRecallAtK(
  scores: readonly ScoreRow[],
  trueAttributes: readonly (readonly number[])[],
  k: number,
  groupColumns?: readonly number[],
): number {
  checkK(k);
  checkLengths(scores, trueAttributes);
  const inGroup = groupColumns ? new Set(groupColumns) : null;
  let sum = 0;
  let counted = 0;
  scores.forEach((row, i) => {
    const truth = inGroup ? trueAttributes[i]!.filter((column) => inGroup.has(column)) : trueAttributes[i]!;
    if (truth.length === 0) return;
    counted++;
    const found = truth.filter((index) => rankOf(row, index) < k).length;
    sum += found / truth.length;
  });
  return counted === 0 ? Number.NaN : sum / counted;
}

/**
 * Near-duplicate recall@k: share of queries whose expected id is among the
 * first k ids of its ranked result list.
 */
export function nearDuplicateRecallAtK(
  rankedIds: readonly (readonly string[])[],
  expectedIds: readonly string[],
  k: number,
): number {
  checkK(k);
  checkLengths(rankedIds, expectedIds);
  if (rankedIds.length === 0) return Number.NaN;
  let hits = 0;
  rankedIds.forEach((ranked, i) => {
    if (ranked.slice(0, k).includes(expectedIds[i]!)) hits++;
  });
  return hits / rankedIds.length;
}

/**
 * Precision@k: for each query, relevant ids among its first k results divided
 * by k (a list shorter than k counts its missing places as misses), averaged
 * over queries.
 */
export function precisionAtK(
  rankedIds: readonly (readonly string[])[],
  relevantIds: readonly ReadonlySet<string>[],
  k: number,
): number {
  checkK(k);
  checkLengths(rankedIds, relevantIds);
  if (rankedIds.length === 0) return Number.NaN;
  let sum = 0;
  rankedIds.forEach((ranked, i) => {
    const relevant = relevantIds[i]!;
    sum += ranked.slice(0, k).filter((id) => relevant.has(id)).length / k;
  });
  return sum / rankedIds.length;
}
