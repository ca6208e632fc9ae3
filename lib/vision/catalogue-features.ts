import fs from "node:fs";
import path from "node:path";

import { readLabelledCatalogue, readNearDuplicateQueries, type LabelledProduct } from "../evaluation/dataset";
import type { BackboneConfig } from "./backbone-config";
import { featureCacheDir } from "./feature-cache";
import { extractFeatures, type ExtractionSummary, type ExtractionView } from "./extract";
import { DEFAULT_SPLIT, stratifiedSplit, type DatasetSplit } from "./split";

/**
 * Plans and runs the feature extraction that training and evaluation need:
 * the original view of every catalogue product, the near-duplicate queries,
 * and augmented views of the training products.
 */

export const ORIGINAL_VIEW = "original";

export function augmentedViewNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `aug-${index + 1}`);
}

/**
 * Returns the split stored at splitPath, or computes the stratified split by
 * article type and writes it there. A stored split whose ids do not match the
 * catalogue is an error, because silently re-splitting would leak test
 * products into training.
 */
export function loadOrCreateSplit(products: readonly LabelledProduct[], splitPath: string): DatasetSplit {
  const computed = stratifiedSplit(
    products.map((product) => ({ id: product.id, label: product.articleType })),
    DEFAULT_SPLIT,
  );
  if (fs.existsSync(splitPath)) {
    const stored = JSON.parse(fs.readFileSync(splitPath, "utf8")) as DatasetSplit;
    const same =
      stored.seed === computed.seed &&
      stored.test.join() === computed.test.join() &&
      stored.validation.join() === computed.validation.join() &&
      stored.train.join() === computed.train.join();
    if (!same) {
      throw new Error(
        `Stored split ${splitPath} does not match the split of this catalogue with seed ${computed.seed}. ` +
          `Delete the file to start a new model, or train on the catalogue it was made from.`,
      );
    }
    return stored;
  }
  fs.mkdirSync(path.dirname(splitPath), { recursive: true });
  fs.writeFileSync(splitPath, `${JSON.stringify(computed)}\n`);
  return computed;
}

export interface CatalogueFeatureOptions {
  datasetDir: string;
  nearDuplicateDir: string | null;
  dataDir: string;
  backbone: BackboneConfig;
  split: DatasetSplit;
  products: LabelledProduct[];
  augmentedViews: number;
  workerCount: number;
}

export async function extractCatalogueFeatures(options: CatalogueFeatureOptions): Promise<ExtractionSummary[]> {
  const catalogueCache = featureCacheDir(options.dataDir, options.backbone.id, options.datasetDir);
  const items = options.products.map((product) => ({ id: product.id, imagePath: product.imagePath }));
  const trainIds = new Set(options.split.train);
  const trainItems = items.filter((item) => trainIds.has(item.id));
  const summaries: ExtractionSummary[] = [];
  const common = { backbone: options.backbone, workerCount: options.workerCount };

  summaries.push(
    await extractFeatures({ ...common, cacheDir: catalogueCache, views: [{ name: ORIGINAL_VIEW, augment: false, items }] }),
  );
  if (options.nearDuplicateDir) {
    const queries = readNearDuplicateQueries(options.nearDuplicateDir);
    summaries.push(
      await extractFeatures({
        ...common,
        cacheDir: featureCacheDir(options.dataDir, options.backbone.id, options.nearDuplicateDir),
        views: [{ name: ORIGINAL_VIEW, augment: false, items: queries }],
      }),
    );
  }
  const views: ExtractionView[] = augmentedViewNames(options.augmentedViews).map((name) => ({
    name,
    augment: true,
    items: trainItems,
  }));
  if (views.length > 0) summaries.push(await extractFeatures({ ...common, cacheDir: catalogueCache, views }));
  return summaries;
}

export { readLabelledCatalogue };
