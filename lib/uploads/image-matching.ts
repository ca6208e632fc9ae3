/**
 * Matches catalogue rows to the image files of an upload. A row's image is
 * the file that its image column names: a path inside the upload, or just a
 * file name when that name is unique. Without an image column value, it is a
 * file named after the SKU with an image extension (images/1163.jpg in the
 * Kaggle layout). Names match without regard to case, and an exact match wins
 * over one that differs only in case.
 */
import path from "node:path";

import type { CatalogueRow } from "../catalogue/catalogue-csv";
import { IMAGE_EXTENSIONS } from "../catalogue/dataset-images";
import type { RowImage } from "../catalogue/import-plan";
import { baseName, normaliseUploadPath } from "./file-names";

/** A file of the upload, with the names that matching and reports use. */
export interface UploadImageFile {
  /** Normalised path inside the upload (inside its ZIP for an entry); matched against the image column. */
  path: string;
  /** The file's name in reports. */
  displayName: string;
  /** Path relative to the upload folder; null for a file rejected on arrival. */
  storedAs: string | null;
  /** The reason the file cannot be imported; set when storedAs is null. */
  rejected?: string;
}

export interface ImageMatcher {
  resolve(row: CatalogueRow): RowImage;
  /** Files that no resolved row has used so far. */
  unusedFiles(): UploadImageFile[];
}

const EXTENSION_LIST = IMAGE_EXTENSIONS.join(", ");

export function createImageMatcher(files: readonly UploadImageFile[]): ImageMatcher {
  const byPath = groupBy(files, (file) => file.path.toLowerCase());
  const byBase = groupBy(files, (file) => baseName(file.path).toLowerCase());
  const bySkuStem = groupBy(
    files.filter((file) => IMAGE_EXTENSIONS.includes(path.extname(file.path).toLowerCase())),
    (file) => stem(file.path).toLowerCase(),
  );
  const used = new Set<UploadImageFile>();

  function choose(file: UploadImageFile): RowImage {
    used.add(file);
    if (file.storedAs === null) return { missing: `${file.displayName}: ${file.rejected ?? "the file was rejected"}` };
    return { path: file.storedAs, name: file.displayName };
  }

  function resolveNamed(row: CatalogueRow, image: string): RowImage {
    const wanted = normaliseUploadPath(image);
    if (!wanted.ok) return { missing: `image "${image}" is not a valid file name: ${wanted.reason}` };

    const key = wanted.path.toLowerCase();
    let candidates = byPath.get(key) ?? [];
    if (candidates.length === 0 && !wanted.path.includes("/")) candidates = byBase.get(key) ?? [];
    if (candidates.length === 0) {
      return { missing: `image "${image}" is not in the upload: add the file, or correct the image column of SKU ${row.sku}` };
    }

    const exact = candidates.filter((file) => file.path === wanted.path || baseName(file.path) === wanted.path);
    const pick = exact.length === 1 ? exact : candidates;
    if (pick.length > 1) {
      const names = pick.slice(0, 3).map((file) => file.displayName).join(", ");
      return { missing: `image "${image}" matches ${pick.length} uploaded files (${names}); write the folder too, as in the upload` };
    }
    return choose(pick[0] as UploadImageFile);
  }

  function resolveBySku(row: CatalogueRow): RowImage {
    const candidates = bySkuStem.get(row.sku.toLowerCase()) ?? [];
    if (candidates.length === 0) {
      return {
        absent: `no image: the image column is empty and the upload has no file named ${row.sku} with an extension ${EXTENSION_LIST}`,
      };
    }
    // Several files for one SKU: the preferred extension wins, as in a dataset folder.
    const rank = (file: UploadImageFile) => IMAGE_EXTENSIONS.indexOf(path.extname(file.path).toLowerCase());
    const best = Math.min(...candidates.map(rank));
    const preferred = candidates.filter((file) => rank(file) === best);
    if (preferred.length > 1) {
      const names = preferred.slice(0, 3).map((file) => file.displayName).join(", ");
      return { missing: `several uploaded files are named after SKU ${row.sku} (${names}); name the right one in the image column` };
    }
    return choose(preferred[0] as UploadImageFile);
  }

  return {
    resolve: (row) => (row.image === null ? resolveBySku(row) : resolveNamed(row, row.image)),
    unusedFiles: () => files.filter((file) => !used.has(file)),
  };
}

function stem(filePath: string): string {
  const base = baseName(filePath);
  const extension = path.extname(base);
  return extension === "" ? base : base.slice(0, -extension.length);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
}
