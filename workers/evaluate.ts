/**
 * `npm run evaluate -- --dataset DIR --out FILE.json`: scores a trained fusion
 * model on a labelled catalogue folder (styles.csv + images/<id>.jpg), in both
 * category prior modes, and optionally near-duplicate recall. Run with --help.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { checkOrExit, settingOrExit } from "../lib/cli";
import { dataDir, taxonomyDir } from "../lib/config";
import { categoryPrecisionAtK, confusionMatrix, perCategoryTop1 } from "../lib/evaluation/category-breakdown";
import { readLabelledCatalogue, readNearDuplicateQueries } from "../lib/evaluation/dataset";
import { predictHeads, scoreHeads } from "../lib/evaluation/fusion-evaluation";
import { nearDuplicateRecallAtK } from "../lib/evaluation/metrics";
import { cosineNearestNeighbours } from "../lib/evaluation/nearest-neighbours";
import { logger } from "../lib/logger";
import { assertModelBackbone, backboneConfigFromEnv } from "../lib/vision/backbone-config";
import { ORIGINAL_VIEW } from "../lib/vision/catalogue-features";
import { createTitleAttributeMiner, readIndexedView, selectFeatures } from "../lib/vision/catalogue-training-data";
import { modelsDir } from "../lib/vision/config";
import { extractFeatures } from "../lib/vision/extract";
import { featureCacheDir } from "../lib/vision/feature-cache";
import { loadFusionModel } from "../lib/vision/fusion-store";
import { checkBackbone } from "../lib/vision/load-backbone";
import { encodeLabels } from "../lib/vision/labels";
import type { DatasetSplit } from "../lib/vision/split";
import { selectBackend } from "../lib/vision/tf-backend";
import { DEFAULT_MODEL_ID, defaultModelId } from "../lib/vision/training-config";

const HELP = `Usage: npm run evaluate -- --dataset DIR --out FILE.json [options]

  --dataset DIR          labelled catalogue: DIR/styles.csv and DIR/images/<id>.jpg
  --near-duplicates DIR  folder of query photos named <product id>.jpg; adds nearDuplicate.recallAt1/5/10
  --split NAME           test, validation or all (default test). test and validation use
                         models/<model id>/split.json and need the catalogue the model was trained on
  --model-id ID          model folder under models/ (default ${DEFAULT_MODEL_ID} for the shipped
                         backbone; see STYLELENS_BACKBONE in README.md)
  --workers N            feature extraction worker threads (default 2)
  --out FILE             where to write the JSON report
  --help                 show this text
`;

const { values } = parseArgs({
  options: {
    dataset: { type: "string" },
    "near-duplicates": { type: "string" },
    split: { type: "string", default: "test" },
    "model-id": { type: "string" },
    workers: { type: "string", default: "2" },
    out: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (!values.dataset || !values.out) {
  process.stderr.write(`Missing --dataset or --out.\n\n${HELP}`);
  process.exit(2);
}
const splitName = values.split;
if (splitName !== "test" && splitName !== "validation" && splitName !== "all") {
  throw new Error(`Invalid --split "${splitName}": use test, validation or all`);
}
const workerCount = Number(values.workers);
if (!Number.isInteger(workerCount) || workerCount < 1) {
  throw new Error(`Invalid --workers "${values.workers}": use a whole number of at least 1`);
}

const started = performance.now();
const seconds = (since: number): number => Number(((performance.now() - since) / 1000).toFixed(2));
const datasetDir = path.resolve(values.dataset);
const backbone = settingOrExit("evaluate", () => backboneConfigFromEnv());
const modelDir = path.join(modelsDir(), values["model-id"] ?? defaultModelId(backbone));
const model = settingOrExit("evaluate", () => {
  const loaded = loadFusionModel(modelDir);
  assertModelBackbone(loaded, backbone);
  return loaded;
});
await selectBackend();
await checkOrExit("evaluate", () => checkBackbone(backbone));

const { products, missingImages } = readLabelledCatalogue(datasetDir);
let evaluated = products;
if (splitName !== "all") {
  const split = JSON.parse(fs.readFileSync(path.join(modelDir, "split.json"), "utf8")) as DatasetSplit;
  const known = new Set([...split.train, ...split.validation, ...split.test]);
  const unknown = products.filter((product) => !known.has(product.id)).length;
  if (unknown > 0) {
    throw new Error(
      `${unknown} products of ${datasetDir} are not in the split of model ${model.modelId}: ` +
        `use --split all to evaluate on another catalogue`,
    );
  }
  const ids = new Set(split[splitName]);
  evaluated = products.filter((product) => ids.has(product.id));
}

// Features of every product: the near-duplicate search runs over the whole catalogue.
const extractionStarted = performance.now();
const cacheDir = featureCacheDir(dataDir(), backbone.id, datasetDir);
const catalogueItems = products.map((product) => ({ id: product.id, imagePath: product.imagePath }));
await extractFeatures({ cacheDir, backbone, workerCount, views: [{ name: ORIGINAL_VIEW, augment: false, items: catalogueItems }] });
const queries = values["near-duplicates"] ? readNearDuplicateQueries(path.resolve(values["near-duplicates"])) : [];
const queryCacheDir = values["near-duplicates"] ? featureCacheDir(dataDir(), backbone.id, path.resolve(values["near-duplicates"])) : "";
if (queries.length > 0) {
  await extractFeatures({ cacheDir: queryCacheDir, backbone, workerCount, views: [{ name: ORIGINAL_VIEW, augment: false, items: queries }] });
}
const extractionSeconds = seconds(extractionStarted);

const original = readIndexedView(
  cacheDir,
  ORIGINAL_VIEW,
  products.map((product) => product.id),
);
const features = selectFeatures([original], evaluated);
const labels = encodeLabels(features.products, model.vocabularies, createTitleAttributeMiner(taxonomyDir(), products));

/** Categories shown in the confusion matrix; the rest share one "other" row and column. */
const CONFUSION_CATEGORIES = 15;

const predictionStarted = performance.now();
const predictedScores = await predictHeads(model, features, "predicted", labels.category);
const modes = {
  predicted: scoreHeads(model, predictedScores, labels),
  merchant: scoreHeads(model, await predictHeads(model, features, "merchant", labels.category), labels),
};
const categoryNames = model.vocabularies.category;
const categoryBreakdown = {
  perCategory: perCategoryTop1(predictedScores.category, labels.category, categoryNames),
  confusion: confusionMatrix(predictedScores.category, labels.category, categoryNames, CONFUSION_CATEGORIES),
};
const predictionSeconds = seconds(predictionStarted);

let nearDuplicate: object | undefined;
let nearDuplicateSeconds = 0;
if (queries.length > 0) {
  const searchStarted = performance.now();
  const queryView = readIndexedView(
    queryCacheDir,
    ORIGINAL_VIEW,
    queries.map((query) => query.id),
  );
  const catalogue = selectFeatures([original], products);
  const neighbours = cosineNearestNeighbours(queryView.features.embeddings, catalogue.embeddings, catalogue.embeddingDimension, 10);
  const ranked = neighbours.map((row) => row.map((index) => catalogue.products[index]!.id));
  const expected = queryView.features.ids;

  // Category precision@10 of photo search: each evaluated product queries the
  // whole catalogue and is skipped among its own neighbours.
  const productNeighbours = cosineNearestNeighbours(features.embeddings, catalogue.embeddings, catalogue.embeddingDimension, 11);
  const productRanked = productNeighbours.map((row) => row.map((index) => catalogue.products[index]!.id));
  const categoryOf = new Map(catalogue.products.map((product) => [product.id, product.articleType]));
  const categoryPrecisionAt10 = categoryPrecisionAtK(
    features.products.map((product) => product.id),
    productRanked,
    categoryOf,
    10,
  );

  nearDuplicateSeconds = seconds(searchStarted);
  nearDuplicate = {
    queries: expected.length,
    catalogueSize: catalogue.count,
    embedding: backbone.id,
    recallAt1: nearDuplicateRecallAtK(ranked, expected, 1),
    recallAt5: nearDuplicateRecallAtK(ranked, expected, 5),
    recallAt10: nearDuplicateRecallAtK(ranked, expected, 10),
    categoryPrecisionAt10,
  };
}

const unknownLabels = {
  category: Array.from(labels.category).filter((label) => label < 0).length,
  colour: Array.from(labels.single.colour).filter((label) => label < 0).length,
  gender: Array.from(labels.single.gender).filter((label) => label < 0).length,
  season: Array.from(labels.single.season).filter((label) => label < 0).length,
  usage: Array.from(labels.single.usage).filter((label) => label < 0).length,
};
const report = {
  modelId: model.modelId,
  backboneId: model.backboneId,
  // As given on the command line, so reports from different machines compare.
  dataset: values.dataset,
  nearDuplicates: values["near-duplicates"] ?? null,
  split: splitName,
  images: features.count,
  skippedProducts: { missingImage: missingImages.length, unreadableImage: evaluated.length - features.count },
  unknownLabels,
  priorMode: "predicted",
  ...modes.predicted,
  ...categoryBreakdown,
  merchantPrior: modes.merchant,
  ...(nearDuplicate ? { nearDuplicate } : {}),
  timings: {
    featureExtractionSeconds: extractionSeconds,
    predictionSeconds,
    nearDuplicateSearchSeconds: nearDuplicateSeconds,
    totalSeconds: seconds(started),
  },
};
fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
fs.writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
logger.info({ out: values.out, category: modes.predicted.category, colour: modes.predicted.colour, nearDuplicate }, "evaluation written");
