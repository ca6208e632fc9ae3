/**
 * The background import of one upload, run by workers/import-worker.ts for
 * an "import-upload" job. It unpacks the ZIPs, matches rows to image files,
 * records the files that no row can use, and then imports the CSV with the
 * catalogue importer (lib/catalogue/importer.ts), the same code that imports
 * a dataset folder. Rows are written in chunks, each in one transaction, so a
 * rejected row never leaves a partial product.
 */
import fs from "node:fs";
import path from "node:path";

import { parseCatalogueCsv } from "../catalogue/catalogue-csv";
import { CatalogueImportError } from "../catalogue/errors";
import { importDataset, type ImportSummary } from "../catalogue/importer";
import { dataDir as defaultDataDir } from "../config";
import type { Database } from "../db/client";
import { enqueueImageTagging } from "../jobs";
import { logger } from "../logger";
import { UploadRejectedError } from "./errors";
import { recordFileOutcomes } from "./file-outcomes";
import { createImageMatcher, type UploadImageFile } from "./image-matching";
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "./limits";
import { entryDisplayName, readManifest, type UploadManifest } from "./manifest";
import { CATALOGUE_FILE_NAME, EXTRACTED_FOLDER, FILES_FOLDER, resolveUploadLocation } from "./paths";
import { extractZipEntries, ZipBombError } from "./zip";

/** Image ids per tagging enqueue call. */
const TAGGING_CHUNK = 500;

/**
 * Tagging priority of a merchant's uploaded photos. It is above the default
 * (0) that the vision worker uses for the dataset catalogue, so a merchant's
 * upload is not stuck behind the first tagging of a whole catalogue.
 */
const UPLOAD_TAGGING_PRIORITY = 10;

/** A problem that another attempt cannot fix: the job fails at once. */
export class UploadImportError extends Error {
  override name = "UploadImportError";
}

/** True for errors that a retry cannot fix: problems in the upload's files or the batch itself. */
export function isPermanentImportError(error: unknown): boolean {
  return (
    error instanceof UploadImportError ||
    error instanceof CatalogueImportError ||
    error instanceof UploadRejectedError ||
    error instanceof ZipBombError
  );
}

export interface UploadImportOptions {
  database: Database;
  batchId: number;
  /** Stops the import between ZIP entries and between chunks of rows. */
  signal?: AbortSignal;
  /** Data folder that contains uploads/; dataDir() by default. */
  dataDir?: string;
  imageStoreDir?: string;
  reportsDir?: string;
  taxonomyDir?: string;
  limits?: UploadLimits;
}

export interface UploadImportResult extends ImportSummary {
  /** Files that are not imported: rejected on arrival or while unpacking, or used by no row. */
  rejectedFiles: number;
  /** Images queued for the vision worker: new or changed pictures only. */
  taggingQueued: number;
}

export async function runUploadImport(options: UploadImportOptions): Promise<UploadImportResult> {
  const { database, batchId } = options;
  const prisma = database.prisma;
  const batch = await prisma.importBatch.findUnique({
    where: { id: batchId },
    select: { source: true, status: true, location: true },
  });
  if (!batch) throw new UploadImportError(`Import batch ${batchId} not found; it may have been deleted`);
  if (batch.source !== "upload") throw new UploadImportError(`Import batch ${batchId} is a ${batch.source} import, not an upload`);
  if (batch.status === "done" || batch.status === "failed") {
    throw new UploadImportError(`Import batch ${batchId} is already ${batch.status}`);
  }

  const folder = resolveUploadLocation(batch.location, options.dataDir ?? defaultDataDir());
  let manifest: UploadManifest;
  try {
    manifest = await readManifest(folder);
  } catch (error) {
    throw new UploadImportError(`The files of upload ${batchId} are missing or damaged: ${(error as Error).message}`, { cause: error });
  }

  await startAttempt(database, batchId);
  logger.info({ batchId, rows: manifest.catalogue.rows, archives: manifest.archives.length }, "upload import started");

  try {
    const { files, unpackRejected } = await unpackFiles(folder, manifest, options);
    const matcher = createImageMatcher([...files, ...unpackRejected]);
    const catalogueFile = path.join(folder, CATALOGUE_FILE_NAME);

    // Resolving every row once before the import finds the files that no row
    // uses, so their outcomes are stored before the batch is marked done.
    const catalogue = await parseCatalogueCsv(await fs.promises.readFile(catalogueFile), manifest.catalogue.name);
    for (const entry of catalogue.entries) {
      if (entry.kind === "row") matcher.resolve(entry.row);
    }
    const unused = matcher.unusedFiles();
    await recordFileOutcomes(prisma, batchId, unused);

    const summary = await importDataset({
      database,
      datasetDir: folder,
      catalogueFile,
      rowImages: (row) => matcher.resolve(row),
      batchId,
      imageStoreDir: options.imageStoreDir,
      reportsDir: options.reportsDir,
      taxonomyDir: options.taxonomyDir,
      signal: options.signal,
    });
    const taggingQueued = await queueTagging(database, batchId);
    // The pictures are in the image store now; the CSV and the manifest stay as a record.
    await fs.promises.rm(path.join(folder, FILES_FOLDER), { recursive: true, force: true });

    const result = { ...summary, rejectedFiles: unused.length, taggingQueued };
    logger.info(result, "upload import finished");
    return result;
  } finally {
    await fs.promises.rm(path.join(folder, EXTRACTED_FOLDER), { recursive: true, force: true });
  }
}

/**
 * Marks the batch running and clears what an earlier, interrupted attempt
 * stored, so the outcomes and counters describe one complete run. Products
 * that the earlier attempt committed are then reported as unchanged.
 */
async function startAttempt(database: Database, batchId: number): Promise<void> {
  await database.prisma.$transaction([
    database.prisma.importRowOutcome.deleteMany({ where: { batchId } }),
    database.prisma.importBatch.update({
      where: { id: batchId },
      data: { status: "running", startedAt: new Date(), error: null, imported: 0, updated: 0, unchanged: 0, skipped: 0 },
    }),
  ]);
}

/** Lists the loose images and unpacks the accepted ZIP entries; entries and files that cannot be used come back rejected. */
async function unpackFiles(
  folder: string,
  manifest: UploadManifest,
  options: UploadImportOptions,
): Promise<{ files: UploadImageFile[]; unpackRejected: UploadImageFile[] }> {
  const files: UploadImageFile[] = manifest.images.map((image) => ({
    path: image.name,
    displayName: image.name,
    storedAs: image.storedAs,
  }));
  const unpackRejected: UploadImageFile[] = manifest.rejected.map((file) => ({
    path: file.name,
    displayName: file.name,
    storedAs: null,
    rejected: file.reason,
  }));

  const total = { bytes: 0 };
  await fs.promises.rm(path.join(folder, EXTRACTED_FOLDER), { recursive: true, force: true });
  for (const [archiveNumber, archive] of manifest.archives.entries()) {
    for (const entry of archive.entries) {
      if (entry.rejected) {
        unpackRejected.push({ path: entry.name, displayName: entryDisplayName(archive.name, entry.name), storedAs: null, rejected: entry.rejected });
      }
    }
    const extracted = await extractZipEntries(path.join(folder, archive.storedAs), archive.name, archive.entries, {
      folder: path.join(folder, EXTRACTED_FOLDER),
      storedPrefix: EXTRACTED_FOLDER,
      filePrefix: `${archiveNumber}-`,
      limits: options.limits ?? DEFAULT_UPLOAD_LIMITS,
      total,
      signal: options.signal,
    });
    for (const entry of extracted) {
      const displayName = entryDisplayName(archive.name, entry.name);
      if ("rejected" in entry) {
        unpackRejected.push({ path: entry.name, displayName, storedAs: null, rejected: entry.rejected });
      } else {
        files.push({ path: entry.name, displayName, storedAs: entry.storedAs });
      }
    }
  }
  return { files, unpackRejected };
}

/**
 * Queues the vision worker's "tag-image" job for the batch's images that
 * still wait for tags. A re-uploaded picture with the same content hash kept
 * its status ("tagged"), so it is not tagged again.
 */
async function queueTagging(database: Database, batchId: number): Promise<number> {
  const outcomes = await database.prisma.importRowOutcome.findMany({
    where: { batchId, outcome: { not: "skipped" }, productId: { not: null } },
    select: { productId: true },
  });
  const productIds = outcomes.map((outcome) => outcome.productId as number);

  let queued = 0;
  for (let start = 0; start < productIds.length; start += TAGGING_CHUNK) {
    const images = await database.prisma.productImage.findMany({
      where: { productId: { in: productIds.slice(start, start + TAGGING_CHUNK) }, status: "pending" },
      select: { id: true },
    });
    if (images.length === 0) continue;
    const result = await enqueueImageTagging(
      database.prisma,
      images.map((image) => image.id),
      { priority: UPLOAD_TAGGING_PRIORITY },
    );
    queued += result.enqueued.length;
  }
  return queued;
}

/** Marks the batch failed with `message`, unless it already finished. */
export async function markUploadFailed(database: Database, batchId: number, message: string): Promise<void> {
  await database.prisma.importBatch.updateMany({
    where: { id: batchId, status: { in: ["queued", "running"] } },
    data: { status: "failed", error: message.slice(0, 2_000), finishedAt: new Date() },
  });
}

/** Puts the batch back to "queued" for another attempt, keeping `note` as its error until then. */
export async function requeueUpload(database: Database, batchId: number, note: string | null): Promise<void> {
  await database.prisma.importBatch.updateMany({
    where: { id: batchId, status: { in: ["queued", "running", "failed"] } },
    data: { status: "queued", error: note?.slice(0, 2_000) ?? null, finishedAt: null },
  });
}
