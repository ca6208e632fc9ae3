/**
 * Imports a catalogue folder in the Kaggle "Fashion Product Images" layout
 * (styles.csv plus images/<id>.jpg) into one merchant's products. Merchant
 * uploads (lib/uploads) run through the same function with their own CSV
 * file, image lookup and import batch.
 *
 * Everything that can stop the whole import (folder, CSV header, image
 * folder, attribute vocabulary) is checked before the first write. Rows are
 * then processed in chunks of CHUNK_SIZE. For each chunk, images are read and
 * hashed, and new or changed ones are stored with IMAGE_CONCURRENCY decodes
 * in flight. Then the chunk is written in one transaction (import-writer.ts). Products are
 * matched by (merchant, SKU), so running the import again on the same folder
 * creates nothing new and reports the rows as "unchanged".
 */
import fs from "node:fs";
import path from "node:path";

import { imageStoreDir as defaultImageStoreDir, reportsDir as defaultReportsDir, taxonomyDir as defaultTaxonomyDir } from "../config";
import type { Database } from "../db/client";
import { logger } from "../logger";
import { AttributeIds } from "./attribute-ids";
import { collectKnownBrands } from "./brand";
import { readCatalogueCsv, type CatalogueEntry } from "./catalogue-csv";
import { ensureAttributeGroups, ensureMerchant } from "./catalogue-setup";
import { mapWithConcurrency } from "./concurrency";
import { datasetImageResolver, listDatasetImages } from "./dataset-images";
import { CatalogueImportError } from "./errors";
import { loadExistingProducts } from "./existing-products";
import { planRow, skipPlan, type PlanContext, type RowImageResolver, type RowPlan } from "./import-plan";
import { writeImportReport, type RowOutcome } from "./import-report";
import { writeChunk } from "./import-writer";
import { loadAttributeVocabulary, type AttributeVocabulary } from "./title-attributes";
import { DATASET_MERCHANT_SLUG } from "./types";

export const CATALOGUE_FILE = "styles.csv";

/** Rows per transaction: large enough that a re-run is fast, small enough that a rollback loses little. */
export const CHUNK_SIZE = 250;

/** Images decoded at the same time; sharp runs each decode on a libuv thread. */
export const IMAGE_CONCURRENCY = 3;

/** Rows between two progress log lines. */
const PROGRESS_LOG_INTERVAL = 1_000;

export interface ImportCounts {
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface ImportProgress extends ImportCounts {
  batchId: number;
  /** Rows processed so far. */
  processed: number;
  /** Rows this import processes. */
  total: number;
}

export interface ImportOptions {
  database: Database;
  /** Folder with styles.csv and images/; with catalogueFile and rowImages, the folder that image paths are relative to. */
  datasetDir: string;
  /** The catalogue CSV; default datasetDir/styles.csv. */
  catalogueFile?: string;
  /** Finds each row's image; default images/<sku>.<extension> inside datasetDir (see listDatasetImages). */
  rowImages?: RowImageResolver;
  /**
   * Runs this existing, not yet finished import batch (an upload's) instead
   * of creating a "dataset" batch. The products then belong to the batch's
   * merchant, so merchantSlug must not be given.
   */
  batchId?: number;
  /** Merchant that owns the products; default DATASET_MERCHANT_SLUG, created when missing. */
  merchantSlug?: string;
  /** Process only the first `limit` rows of styles.csv. */
  limit?: number;
  /** Folder for the report file; default reportsDir(). */
  reportsDir?: string;
  /** Root of the image store; default imageStoreDir(). */
  imageStoreDir?: string;
  /**
   * Folder with the DeepFashion list_attr_cloth.txt. Without this option,
   * taxonomyDir() is used, and when that folder is missing the import runs
   * without mining title attributes (and leaves existing ones as they are).
   */
  taxonomyDir?: string;
  /** Images with more pixels are skipped; default MAX_INPUT_PIXELS. */
  maxInputPixels?: number;
  /** Called after each chunk is committed. */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Stops the import before its next chunk. The import then rejects with the
   * signal's reason and leaves the batch "running" with the chunks committed
   * so far, for the caller to queue again or mark failed.
   */
  signal?: AbortSignal;
}

export interface ImportSummary extends ImportCounts {
  batchId: number;
  merchantId: number;
  datasetDir: string;
  /** Rows this import processed (all rows of styles.csv unless limited). */
  rowsTotal: number;
  durationMs: number;
  /** Absolute path of the CSV report. */
  reportPath: string;
}

/** Imports the folder; throws CatalogueImportError for problems that stop the whole import. */
export async function importDataset(options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const { database } = options;
  const datasetDir = path.resolve(options.datasetDir);
  const storeDir = options.imageStoreDir ?? defaultImageStoreDir();
  const reportsDir = options.reportsDir ?? defaultReportsDir();
  const merchantSlug = options.merchantSlug ?? DATASET_MERCHANT_SLUG;
  const catalogueFile = options.catalogueFile === undefined ? path.join(datasetDir, CATALOGUE_FILE) : path.resolve(options.catalogueFile);
  validateLimit(options.limit);
  if (options.batchId !== undefined && options.merchantSlug !== undefined) {
    throw new CatalogueImportError("Give either batchId or merchantSlug: an existing batch already names its merchant");
  }

  // Checks that can stop the import, all before the first write.
  await checkFolder(datasetDir, catalogueFile);
  const catalogue = await readCatalogueCsv(catalogueFile);
  if (catalogue.ignoredColumns.length > 0) {
    logger.warn({ file: catalogue.file, columns: catalogue.ignoredColumns }, "catalogue import: ignoring unknown columns");
  }
  const rowImages = options.rowImages ?? datasetImageResolver(await listDatasetImages(datasetDir));
  const vocabulary = loadVocabulary(options.taxonomyDir);
  // Brands come from every title of the file, so --limit never changes a product's brand.
  const knownBrands = collectKnownBrands(catalogue.entries.flatMap((entry) => (entry.kind === "row" ? [entry.row.title] : [])));
  const entries = options.limit === undefined ? catalogue.entries : catalogue.entries.slice(0, options.limit);

  const { batchId, merchantId } =
    options.batchId === undefined
      ? await createDatasetBatch(database, merchantSlug, datasetDir, entries.length)
      : await startExistingBatch(database, options.batchId, entries.length);
  const attributeIds = new AttributeIds(database.prisma, await ensureAttributeGroups(database.prisma));
  logger.info({ batchId, file: catalogueFile, merchantId, rows: entries.length }, "catalogue import started");

  const context: PlanContext = {
    datasetDir,
    storeDir,
    rowImages,
    vocabulary,
    knownBrands,
    maxInputPixels: options.maxInputPixels,
  };
  const outcomes: RowOutcome[] = [];
  const counts: ImportCounts = { imported: 0, updated: 0, unchanged: 0, skipped: 0 };

  try {
    let lastLogged = 0;
    for (let start = 0; start < entries.length; start += CHUNK_SIZE) {
      options.signal?.throwIfAborted();
      const chunk = entries.slice(start, start + CHUNK_SIZE);
      const plans = await planChunk(database, merchantId, chunk, context);
      const written = await writeChunk(database, batchId, merchantId, plans, attributeIds);
      outcomes.push(...written);
      for (const outcome of written) counts[outcome.outcome] += 1;

      const progress: ImportProgress = { batchId, processed: outcomes.length, total: entries.length, ...counts };
      options.onProgress?.(progress);
      if (outcomes.length - lastLogged >= PROGRESS_LOG_INTERVAL || outcomes.length === entries.length) {
        logger.info(progress, "catalogue import progress");
        lastLogged = outcomes.length;
      }
    }
  } catch (error) {
    // A stopped import is not a failed one: the caller decides what happens to its batch.
    if (!options.signal?.aborted) await recordFailure(database, batchId, reportsDir, outcomes, error);
    throw error;
  }

  const reportPath = await writeImportReport(reportsDir, batchId, outcomes);
  await database.prisma.importBatch.update({
    where: { id: batchId },
    data: { status: "done", finishedAt: new Date(), reportKey: path.basename(reportPath) },
  });

  const summary: ImportSummary = {
    batchId,
    merchantId,
    datasetDir,
    rowsTotal: entries.length,
    ...counts,
    durationMs: Math.round(performance.now() - started),
    reportPath,
  };
  logger.info(summary, "catalogue import finished");
  return summary;
}

/** Creates the "running" batch of a dataset import, and the dataset merchant when it is missing. */
async function createDatasetBatch(
  database: Database,
  merchantSlug: string,
  datasetDir: string,
  rowsTotal: number,
): Promise<{ batchId: number; merchantId: number }> {
  const merchantId = await ensureMerchant(database.prisma, merchantSlug);
  const batch = await database.prisma.importBatch.create({
    data: { merchantId, source: "dataset", status: "running", location: datasetDir, rowsTotal, startedAt: new Date() },
    select: { id: true },
  });
  return { batchId: batch.id, merchantId };
}

/** Marks an existing queued or running batch as running with this import's row count. */
async function startExistingBatch(
  database: Database,
  batchId: number,
  rowsTotal: number,
): Promise<{ batchId: number; merchantId: number }> {
  const batch = await database.prisma.importBatch.findUnique({ where: { id: batchId }, select: { merchantId: true, status: true } });
  if (!batch) throw new CatalogueImportError(`Import batch ${batchId} not found`);
  if (batch.status !== "queued" && batch.status !== "running") {
    throw new CatalogueImportError(`Import batch ${batchId} is ${batch.status}; only a queued or running batch can run`);
  }
  await database.prisma.importBatch.update({
    where: { id: batchId },
    data: { status: "running", rowsTotal, startedAt: new Date(), finishedAt: null, error: null },
  });
  return { batchId, merchantId: batch.merchantId };
}

async function planChunk(
  database: Database,
  merchantId: number,
  chunk: readonly CatalogueEntry[],
  context: PlanContext,
): Promise<RowPlan[]> {
  const skus = chunk.flatMap((entry) => (entry.kind === "row" ? [entry.row.sku] : []));
  const existing = await loadExistingProducts(database.prisma, merchantId, skus);

  return mapWithConcurrency(chunk, IMAGE_CONCURRENCY, async (entry) => {
    if (entry.kind === "rejected") return skipPlan(entry.line, entry.sku, entry.reason);
    return planRow(entry.line, entry.row, existing.get(entry.row.sku), context);
  });
}

/** Marks the batch failed and writes the report of the rows done so far; never throws. */
async function recordFailure(
  database: Database,
  batchId: number,
  reportsDir: string,
  outcomes: readonly RowOutcome[],
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  logger.error({ err: error, batchId, processed: outcomes.length }, "catalogue import failed");

  let reportKey: string | null = null;
  try {
    reportKey = path.basename(await writeImportReport(reportsDir, batchId, outcomes));
  } catch (reportError) {
    logger.error({ err: reportError, batchId }, "catalogue import: could not write the report of the failed import");
  }

  try {
    await database.prisma.importBatch.update({
      where: { id: batchId },
      data: { status: "failed", error: message.slice(0, 2_000), finishedAt: new Date(), reportKey },
    });
  } catch (updateError) {
    logger.error({ err: updateError, batchId }, "catalogue import: could not mark the batch as failed");
  }
}

/** Loads the attribute vocabulary; an explicit folder must exist, the configured default may be missing. */
function loadVocabulary(explicitDir: string | undefined): AttributeVocabulary | null {
  if (explicitDir !== undefined) {
    try {
      return loadAttributeVocabulary(explicitDir);
    } catch (error) {
      throw new CatalogueImportError(`Cannot load the attribute list from ${explicitDir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  let dir: string;
  try {
    dir = defaultTaxonomyDir();
  } catch (error) {
    logger.warn({ err: error }, "catalogue import: no attribute list, so title attributes are not mined");
    return null;
  }
  return loadAttributeVocabulary(dir);
}

async function checkFolder(datasetDir: string, catalogueFile: string): Promise<void> {
  const stats = await fs.promises.stat(datasetDir).catch(() => null);
  if (!stats?.isDirectory()) {
    throw new CatalogueImportError(`Dataset folder not found: ${datasetDir} (expected ${CATALOGUE_FILE} and images/<id>.jpg inside)`);
  }
  if (!fs.existsSync(catalogueFile)) {
    throw new CatalogueImportError(`Catalogue file not found: ${catalogueFile}`);
  }
}

function validateLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new CatalogueImportError(`Invalid limit ${limit}: use a whole number of rows, at least 1`);
  }
}
