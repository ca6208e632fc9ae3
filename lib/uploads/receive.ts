/**
 * Receives an upload request: streams its files into a new upload folder,
 * checks the CSV header as soon as the CSV has arrived, reads the central
 * directory of every ZIP, and writes the manifest. Any problem that rejects
 * the whole upload (see UploadRejectedError) removes the folder again, so a
 * rejected upload leaves nothing behind on disk or in the database.
 */
import fs from "node:fs";
import path from "node:path";

import { parseCatalogueCsv } from "../catalogue/catalogue-csv";
import { CatalogueImportError, MissingColumnError } from "../catalogue/errors";
import { UploadRejectedError } from "./errors";
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "./limits";
import { MANIFEST_VERSION, writeManifest, type UploadManifest } from "./manifest";
import { CATALOGUE_FIELD, receiveMultipart, type ReceivedFile } from "./multipart";
import { createUploadFolder, type UploadFolder } from "./paths";
import { readZipDirectory } from "./zip";

export interface ReceivedUpload {
  folder: UploadFolder;
  manifest: UploadManifest;
}

export interface ReceiveUploadOptions {
  limits?: UploadLimits;
  /** Data folder that contains uploads/; dataDir() by default. */
  dataDir?: string;
}

export async function receiveUpload(request: Request, options: ReceiveUploadOptions = {}): Promise<ReceivedUpload> {
  const limits = options.limits ?? DEFAULT_UPLOAD_LIMITS;
  const folder = await createUploadFolder(options.dataDir);
  try {
    let rows = 0;
    const parts = await receiveMultipart(request, folder.path, {
      limits,
      onCatalogue: async (file) => {
        rows = await checkCatalogue(folder.path, file);
      },
    });
    if (!parts.catalogue) {
      throw new UploadRejectedError(400, "missing_catalogue", `The upload has no CSV file: attach it in the "${CATALOGUE_FIELD}" field.`);
    }

    let budget = limits.zipUncompressedBytes;
    const archives: UploadManifest["archives"] = [];
    for (const archive of parts.archives) {
      const directory = await readZipDirectory(path.join(folder.path, archive.storedAs), archive.name, limits, budget);
      budget -= directory.declaredBytes;
      archives.push({ ...archive, entries: directory.entries });
    }

    const manifest: UploadManifest = {
      version: MANIFEST_VERSION,
      catalogue: { ...parts.catalogue, rows },
      archives,
      images: parts.images,
      rejected: parts.rejected,
    };
    await writeManifest(folder.path, manifest);
    return { folder, manifest };
  } catch (error) {
    await fs.promises.rm(folder.path, { recursive: true, force: true });
    throw error;
  }
}

/** Parses the whole CSV with the importer's parser and returns its row count; rejects an unusable file. */
async function checkCatalogue(folder: string, file: ReceivedFile): Promise<number> {
  const bytes = await fs.promises.readFile(path.join(folder, file.storedAs));
  if (bytes.length === 0) {
    throw new UploadRejectedError(400, "empty_catalogue", `The CSV file ${file.name} is empty: it needs a header line and one row per product.`);
  }

  let entries;
  try {
    ({ entries } = await parseCatalogueCsv(bytes, file.name));
  } catch (error) {
    if (error instanceof MissingColumnError) {
      throw new UploadRejectedError(400, "missing_column", error.message, { columns: error.columns });
    }
    if (error instanceof CatalogueImportError) throw new UploadRejectedError(400, "invalid_catalogue", error.message);
    throw error;
  }
  if (entries.length === 0) {
    throw new UploadRejectedError(400, "empty_catalogue", `The CSV file ${file.name} has a header but no product rows.`);
  }
  return entries.length;
}
