import fs from "node:fs";
import path from "node:path";

/**
 * Paths and settings read from the environment. Each reader names its
 * variable in the error so the fix is obvious.
 */

/** Folder for the SQLite file, the image store, import reports and the vector index. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.STYLELENS_DATA_DIR?.trim() || "data");
}

export function imageStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), "images");
}

export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), "reports");
}

const SHARED_DATASETS = path.resolve("..", "shared", "datasets");

export const FASHION_PRODUCTS_SOURCE =
  'the Kaggle dataset "Fashion Product Images" by Param Aggarwal (styles.csv and images/<id>.jpg)';

/**
 * Folder in the Kaggle "Fashion Product Images" layout: styles.csv plus
 * images/<id>.jpg. STYLELENS_DATASET_DIR, else ../shared/datasets/fashion-products.
 */
export function datasetDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.STYLELENS_DATASET_DIR?.trim();
  const dir = path.resolve(configured || path.join(SHARED_DATASETS, "fashion-products"));
  if (!fs.existsSync(path.join(dir, "styles.csv"))) {
    throw new Error(
      `Catalogue dataset not found: ${path.join(dir, "styles.csv")} does not exist. ` +
        `Set STYLELENS_DATASET_DIR to a folder with styles.csv and images/<id>.jpg, ` +
        `for example ${FASHION_PRODUCTS_SOURCE}.`,
    );
  }
  return dir;
}

export const DEEPFASHION_SOURCE =
  'the DeepFashion "Category and Attribute Prediction Benchmark" (CUHK), file Anno/list_attr_cloth.txt';

/**
 * Folder with the DeepFashion list_attr_cloth.txt attribute vocabulary.
 * STYLELENS_TAXONOMY_DIR, else ../shared/datasets/deepfashion-taxonomy.
 */
export function taxonomyDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.STYLELENS_TAXONOMY_DIR?.trim();
  const dir = path.resolve(configured || path.join(SHARED_DATASETS, "deepfashion-taxonomy"));
  if (!fs.existsSync(path.join(dir, "list_attr_cloth.txt"))) {
    throw new Error(
      `Attribute vocabulary not found: ${path.join(dir, "list_attr_cloth.txt")} does not exist. ` +
        `Set STYLELENS_TAXONOMY_DIR to a folder with list_attr_cloth.txt from ${DEEPFASHION_SOURCE}.`,
    );
  }
  return dir;
}

export function port(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PORT?.trim() || "3000";
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`Invalid PORT "${raw}": use a whole number from 1 to 65535`);
  }
  return value;
}
