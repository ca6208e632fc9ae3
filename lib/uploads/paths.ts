/**
 * Where uploads live on disk. Each upload gets its own folder
 * <dataDir>/uploads/<uuid>/, created before the import batch exists, with
 * this layout:
 *
 *   catalogue.csv    the CSV as sent
 *   files/<n>        each other file as sent: ZIPs and loose images
 *   extracted/<n>    ZIP entries, written by the background import
 *   manifest.json    the original names of all of these (see manifest.ts)
 *
 * ImportBatch.location stores "uploads/<uuid>", relative to the data folder,
 * so the data folder can move.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { dataDir } from "../config";

export const UPLOADS_FOLDER = "uploads";
export const CATALOGUE_FILE_NAME = "catalogue.csv";
export const MANIFEST_FILE_NAME = "manifest.json";
export const FILES_FOLDER = "files";
export const EXTRACTED_FOLDER = "extracted";

const LOCATION_PATTERN = /^uploads\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface UploadFolder {
  /** Absolute path of the folder. */
  path: string;
  /** The value stored in ImportBatch.location. */
  location: string;
}

/** Creates an empty upload folder under `root` (the data folder by default). */
export async function createUploadFolder(root: string = dataDir()): Promise<UploadFolder> {
  const location = `${UPLOADS_FOLDER}/${randomUUID()}`;
  const folder = path.join(root, location);
  await fs.promises.mkdir(folder, { recursive: true });
  return { path: folder, location };
}

/**
 * Returns the absolute folder of an ImportBatch.location written by
 * createUploadFolder, and throws for any other value, so a tampered location
 * can never point outside the uploads folder.
 */
export function resolveUploadLocation(location: string, root: string = dataDir()): string {
  if (!LOCATION_PATTERN.test(location)) {
    throw new Error(`Invalid upload location "${location}": expected ${UPLOADS_FOLDER}/<uuid>`);
  }
  return path.join(root, location);
}
