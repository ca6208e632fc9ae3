/**
 * Finds the product photos of a dataset folder: images/<id>.<extension>, as
 * in the Kaggle "Fashion Product Images" layout. The extension only locates
 * the file; the image store reads the format from the bytes.
 */
import fs from "node:fs";
import path from "node:path";

import type { CatalogueRow } from "./catalogue-csv";
import { CatalogueImportError } from "./errors";
import type { RowImageResolver } from "./import-plan";

export const IMAGE_FOLDER = "images";

/** Extensions looked for, in order of preference when one id has several files. */
export const IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"];

/**
 * Lists the image files of `datasetDir` once, so a lookup per row costs no
 * file system call. Returns SKU -> path relative to `datasetDir`
 * ("images/1563.jpg").
 */
export async function listDatasetImages(datasetDir: string): Promise<Map<string, string>> {
  const folder = path.join(datasetDir, IMAGE_FOLDER);
  let names: string[];
  try {
    names = await fs.promises.readdir(folder);
  } catch (error) {
    throw new CatalogueImportError(
      `Image folder not found: ${folder} could not be read (${(error as NodeJS.ErrnoException).code ?? "error"}); the dataset needs images/<id>.jpg beside styles.csv`,
      { cause: error },
    );
  }

  const images = new Map<string, { name: string; rank: number }>();
  for (const name of names) {
    const extension = path.extname(name);
    const rank = IMAGE_EXTENSIONS.indexOf(extension.toLowerCase());
    if (rank < 0) continue;
    const sku = name.slice(0, -extension.length);
    const current = images.get(sku);
    if (!current || rank < current.rank) images.set(sku, { name, rank });
  }

  return new Map([...images].map(([sku, { name }]) => [sku, path.posix.join(IMAGE_FOLDER, name)]));
}

/** Path relative to the dataset folder where the image of `sku` is expected, for messages. */
export function expectedImagePath(sku: string): string {
  return path.posix.join(IMAGE_FOLDER, `${sku}${IMAGE_EXTENSIONS[0]}`);
}

/** Finds a row's image by its SKU in the map from listDatasetImages. */
export function datasetImageResolver(images: ReadonlyMap<string, string>): RowImageResolver {
  return (row: CatalogueRow) => {
    const imagePath = images.get(row.sku);
    return imagePath === undefined ? { missing: `image not found: ${expectedImagePath(row.sku)}` } : { path: imagePath, name: imagePath };
  };
}
