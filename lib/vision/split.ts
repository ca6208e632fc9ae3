import { mulberry32 } from "./preprocess";

/**
 * Deterministic stratified train/validation/test split by a class label.
 *
 * Within each class the ids are sorted and shuffled with a seeded PRNG
 * (mulberry32, one generator for the whole split, classes in sorted order).
 * Then test and validation each take round(fraction x n) of them, at least
 * one product each, and training keeps the rest. Classes with fewer than
 * MIN_CLASS_SIZE_FOR_EVALUATION products go entirely to training, because
 * one held-out product cannot measure a class and the head still has to learn it.
 */

export const MIN_CLASS_SIZE_FOR_EVALUATION = 3;

export interface SplitConfig {
  seed: number;
  validationFraction: number;
  testFraction: number;
}

export interface DatasetSplit extends SplitConfig {
  stratifiedBy: string;
  train: string[];
  validation: string[];
  test: string[];
}

export const DEFAULT_SPLIT: SplitConfig = { seed: 20240611, validationFraction: 0.15, testFraction: 0.15 };

export function stratifiedSplit(
  items: readonly { id: string; label: string }[],
  config: SplitConfig = DEFAULT_SPLIT,
  stratifiedBy = "articleType",
): DatasetSplit {
  const byClass = new Map<string, string[]>();
  for (const item of items) {
    const ids = byClass.get(item.label) ?? [];
    ids.push(item.id);
    byClass.set(item.label, ids);
  }
  const random = mulberry32(config.seed);
  const split: DatasetSplit = { ...config, stratifiedBy, train: [], validation: [], test: [] };

  for (const label of [...byClass.keys()].sort()) {
    const ids = byClass.get(label)!.sort(compareIds);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    if (ids.length < MIN_CLASS_SIZE_FOR_EVALUATION) {
      split.train.push(...ids);
      continue;
    }
    const testCount = Math.max(1, Math.round(config.testFraction * ids.length));
    const validationCount = Math.max(1, Math.round(config.validationFraction * ids.length));
    split.test.push(...ids.slice(0, testCount));
    split.validation.push(...ids.slice(testCount, testCount + validationCount));
    split.train.push(...ids.slice(testCount + validationCount));
  }
  split.train.sort(compareIds);
  split.validation.sort(compareIds);
  split.test.sort(compareIds);
  return split;
}

function compareIds(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
