/**
 * Size and count limits of a bulk upload. The request handler and the
 * background import read them through UploadLimits, so tests can pass small
 * values. DEFAULT_UPLOAD_LIMITS contains the production values.
 */
import { MAX_IMAGE_BYTES } from "../catalogue/image-processing";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Largest catalogue CSV. The 10,474-row Kaggle styles.csv is about 1.3 MiB, so 20 MiB leaves room for long titles. */
export const MAX_CSV_BYTES = 20 * MIB;

/** Largest single image file, loose or inside a ZIP: the importer's own limit. */
export const MAX_IMAGE_FILE_BYTES = MAX_IMAGE_BYTES;

/** Largest request body, CSV and every image or ZIP together. */
export const MAX_UPLOAD_BYTES = 2 * GIB;

/** Maximum number of files in one request, the CSV included. A ZIP counts as one file here. */
export const MAX_UPLOAD_FILES = 20_000;

/** Maximum number of entries in one ZIP, folders included. */
export const MAX_ZIP_ENTRIES = 20_000;

/**
 * Largest total uncompressed size of the entries of one upload's ZIPs. It is
 * checked twice: against the sizes that the ZIP declares before anything is
 * extracted, and against the bytes actually written while extracting.
 */
export const MAX_ZIP_UNCOMPRESSED_BYTES = 4 * GIB;

export interface UploadLimits {
  csvBytes: number;
  imageBytes: number;
  uploadBytes: number;
  files: number;
  zipEntries: number;
  zipUncompressedBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  csvBytes: MAX_CSV_BYTES,
  imageBytes: MAX_IMAGE_FILE_BYTES,
  uploadBytes: MAX_UPLOAD_BYTES,
  files: MAX_UPLOAD_FILES,
  zipEntries: MAX_ZIP_ENTRIES,
  zipUncompressedBytes: MAX_ZIP_UNCOMPRESSED_BYTES,
};

/** Formats a byte count for messages: "512 bytes", "3.5 MiB", "2 GiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(1))} ${units[unit]}`;
}
