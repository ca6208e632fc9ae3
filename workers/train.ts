/**
 * `npm run train`: splits the catalogue, extracts (or reuses) backbone
 * features on worker threads, trains the fusion model's heads and writes
 * models/<model id>/: fusion-model.json, fusion-weights.bin, split.json and
 * training-log.json. Run with --help for the options.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { checkOrExit, settingOrExit } from "../lib/cli";
import { dataDir, datasetDir, taxonomyDir } from "../lib/config";
import { logger } from "../lib/logger";
import { backboneConfigFromEnv, describeBackbone } from "../lib/vision/backbone-config";
import {
  augmentedViewNames,
  extractCatalogueFeatures,
  loadOrCreateSplit,
  ORIGINAL_VIEW,
  readLabelledCatalogue,
} from "../lib/vision/catalogue-features";
import {
  createTitleAttributeMiner,
  fitNormalisation,
  readIndexedView,
  selectFeatures,
} from "../lib/vision/catalogue-training-data";
import { COLOUR_FEATURE_DIMENSION } from "../lib/vision/colour-features";
import { modelsDir } from "../lib/vision/config";
import { featureCacheDir } from "../lib/vision/feature-cache";
import { FusionModel } from "../lib/vision/fusion-model";
import { saveFusionModel } from "../lib/vision/fusion-store";
import { buildVocabularies, encodeLabels } from "../lib/vision/labels";
import { selectBackend } from "../lib/vision/tf-backend";
import { checkBackbone } from "../lib/vision/load-backbone";
import { DEFAULT_HEAD_TRAINING, trainFusionHeads, type EpochLog } from "../lib/vision/train-heads";
import { DEFAULT_MODEL_ID, defaultModelId, DEFAULT_TRAINING } from "../lib/vision/training-config";

const HELP = `Usage: npm run train -- [options]

Trains the fusion model on the catalogue in STYLELENS_DATASET_DIR (default
../shared/datasets/fashion-products) with the backbone that STYLELENS_BACKBONE
selects: mobilenet-v1 (default; STYLELENS_BACKBONE_DIR, default
../shared/models/mobilenet-v1-imagenet, the public TensorFlow.js model
mobilenet_v1_1.0_224), xception (STYLELENS_XCEPTION_WEIGHTS, the Keras HDF5
file) or layers-model (STYLELENS_BACKBONE_DIR and STYLELENS_BACKBONE_LAYER).
Backbone features are cached in STYLELENS_DATA_DIR/features, so a killed run
resumes.

  --model-id ID              output folder under models/ (default ${DEFAULT_MODEL_ID} for
                             the shipped backbone, else fusion-<backbone id>)
  --augmented-views N        augmented views per training image (default ${DEFAULT_TRAINING.augmentedViews})
  --workers N                feature extraction worker threads (default 2)
  --max-epochs N             upper limit on training epochs (default ${DEFAULT_HEAD_TRAINING.maxEpochs})
  --category-hidden N        hidden units of the category head (default 512)
  --attribute-hidden N       hidden units of the attribute trunk (default 256)
  --without-colour-features  train with the colour features zeroed (ablation)
  --help                     show this text
`;

const { values } = parseArgs({
  options: {
    "model-id": { type: "string" },
    "augmented-views": { type: "string", default: String(DEFAULT_TRAINING.augmentedViews) },
    workers: { type: "string", default: "2" },
    "max-epochs": { type: "string", default: String(DEFAULT_HEAD_TRAINING.maxEpochs) },
    "category-hidden": { type: "string", default: "512" },
    "attribute-hidden": { type: "string", default: "256" },
    "without-colour-features": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function checkedModelId(modelId: string): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(modelId)) {
    throw new Error(`Invalid --model-id "${modelId}": use lower-case letters, digits, ".", "_" and "-"`);
  }
  return modelId;
}

function positiveInteger(name: string, raw: string, allowZero = false): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`Invalid --${name} "${raw}": use a whole number of at least ${allowZero ? 0 : 1}`);
  }
  return value;
}

const backbone = settingOrExit("train", () => backboneConfigFromEnv());
const { modelId, augmentedViews, workerCount, maxEpochs, categoryHiddenUnits, attributeHiddenUnits } = settingOrExit(
  "train",
  () => ({
    modelId: checkedModelId(values["model-id"] ?? defaultModelId(backbone)),
    augmentedViews: positiveInteger("augmented-views", values["augmented-views"], true),
    workerCount: positiveInteger("workers", values.workers),
    maxEpochs: positiveInteger("max-epochs", values["max-epochs"]),
    categoryHiddenUnits: positiveInteger("category-hidden", values["category-hidden"]),
    attributeHiddenUnits: positiveInteger("attribute-hidden", values["attribute-hidden"]),
  }),
);
const withoutColourFeatures = values["without-colour-features"];

const startedAt = performance.now();
const dataset = settingOrExit("train", () => datasetDir());
const modelDir = path.join(modelsDir(), modelId);
const { products, missingImages } = readLabelledCatalogue(dataset);
if (missingImages.length > 0) logger.warn({ count: missingImages.length }, "products without an image are skipped");
logger.info({ modelId, backbone: describeBackbone(backbone) }, "training on backbone");
await selectBackend();
await checkOrExit("train", () => checkBackbone(backbone));
const split = loadOrCreateSplit(products, path.join(modelDir, "split.json"));

const nearDuplicateDir = path.join(dataset, "near-duplicates", "queries");
const extraction = await extractCatalogueFeatures({
  datasetDir: dataset,
  nearDuplicateDir: fs.existsSync(nearDuplicateDir) ? nearDuplicateDir : null,
  dataDir: dataDir(),
  backbone,
  split,
  products,
  augmentedViews,
  workerCount,
});
const extractionSeconds = (performance.now() - startedAt) / 1000;

const cacheDir = featureCacheDir(dataDir(), backbone.id, dataset);
const byId = new Map(products.map((product) => [product.id, product]));
const inSplit = (ids: string[]) => ids.map((id) => byId.get(id)!);
const trainProducts = inSplit(split.train);
const original = readIndexedView(
  cacheDir,
  ORIGINAL_VIEW,
  products.map((product) => product.id),
);
const augmented = augmentedViewNames(augmentedViews).map((view) => readIndexedView(cacheDir, view, split.train));

const mineAttributes = createTitleAttributeMiner(taxonomyDir(), products);
const vocabularies = buildVocabularies(products, trainProducts, mineAttributes);
const train = selectFeatures([original, ...augmented], trainProducts);
const validation = selectFeatures([original], inSplit(split.validation));
const normalisation = fitNormalisation(train);

const model = FusionModel.initialise(
  modelId,
  backbone.id,
  {
    embeddingDimension: train.embeddingDimension,
    colourDimension: COLOUR_FEATURE_DIMENSION,
    categoryHiddenUnits,
    attributeHiddenUnits,
    useColourFeatures: !withoutColourFeatures,
  },
  vocabularies,
  normalisation,
  DEFAULT_HEAD_TRAINING.seed,
);
logger.info(
  {
    modelId,
    trainingRows: train.count,
    validationRows: validation.count,
    categories: vocabularies.category.length,
    attributes: vocabularies.attributes.length,
    parameters: model.parameterCount(),
  },
  "training heads",
);

const options = { ...DEFAULT_HEAD_TRAINING, maxEpochs };
const trainingStarted = performance.now();
const history: EpochLog[] = [];
const logPath = path.join(modelDir, "training-log.json");
const writeLog = (extra: object): void => {
  fs.writeFileSync(
    logPath,
    `${JSON.stringify({ modelId, backboneId: backbone.id, augmentedViews, withoutColourFeatures, options, history, ...extra }, null, 1)}\n`,
  );
};
const result = await trainFusionHeads(
  model,
  { ...train, labels: encodeLabels(train.products, vocabularies, mineAttributes) },
  { ...validation, labels: encodeLabels(validation.products, vocabularies, mineAttributes) },
  options,
  (log) => {
    history.push(log);
    writeLog({ finished: false });
  },
);
const trainingSeconds = (performance.now() - trainingStarted) / 1000;

saveFusionModel(model, modelDir);
writeLog({
  finished: true,
  bestEpoch: result.bestEpoch,
  trainingRows: train.count,
  validationRows: validation.count,
  parameters: model.parameterCount(),
  extraction,
  extractionSeconds: Number(extractionSeconds.toFixed(1)),
  trainingSeconds: Number(trainingSeconds.toFixed(1)),
  validation: result.validation,
});
logger.info({ modelDir, bestEpoch: result.bestEpoch, trainingSeconds, validation: result.validation.category }, "model saved");
