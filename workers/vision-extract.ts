/**
 * Fills the feature cache for training without training: `npx tsx
 * workers/vision-extract.ts [--augmented-views N] [--workers N]`. The train
 * command runs the same step first, so this is only for starting the long
 * extraction early or on another machine.
 */
import path from "node:path";
import { parseArgs } from "node:util";

import { dataDir, datasetDir } from "../lib/config";
import { logger } from "../lib/logger";
import { extractCatalogueFeatures, loadOrCreateSplit, readLabelledCatalogue } from "../lib/vision/catalogue-features";
import { backboneConfigFromEnv } from "../lib/vision/backbone-config";
import { modelsDir } from "../lib/vision/config";
import { defaultModelId, DEFAULT_TRAINING } from "../lib/vision/training-config";

const { values } = parseArgs({
  options: {
    "augmented-views": { type: "string", default: String(DEFAULT_TRAINING.augmentedViews) },
    workers: { type: "string", default: "2" },
    "model-id": { type: "string" },
  },
});
const backbone = backboneConfigFromEnv();
const modelId = values["model-id"] ?? defaultModelId(backbone);

const dataset = datasetDir();
const { products, missingImages } = readLabelledCatalogue(dataset);
if (missingImages.length > 0) logger.warn({ count: missingImages.length }, "products without an image are skipped");
const split = loadOrCreateSplit(products, path.join(modelsDir(), modelId, "split.json"));
await extractCatalogueFeatures({
  datasetDir: dataset,
  nearDuplicateDir: path.join(dataset, "near-duplicates", "queries"),
  dataDir: dataDir(),
  backbone,
  split,
  products,
  augmentedViews: Number(values["augmented-views"]),
  workerCount: Number(values.workers),
});
