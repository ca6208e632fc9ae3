/**
 * Names of uploaded files. A name comes from the browser (a file's name, or
 * its path inside a dropped folder) or from a ZIP entry, so it is untrusted:
 * it only labels the file in reports and is matched against the CSV's image
 * column. Files are written to disk under generated names, never under these.
 */
import { MAX_IMAGE_NAME_LENGTH } from "../catalogue/catalogue-csv";

export const EMPTY_FILE_REASON = "the file is empty (0 bytes)";

export type UploadPath = { ok: true; path: string } | { ok: false; reason: string };

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const DRIVE_LETTER = /^[A-Za-z]:/;

/**
 * Normalises a relative path: backslashes become slashes (Windows tools
 * write them) and "." segments and repeated slashes are dropped. Rejects
 * absolute paths, drive letters, ".." segments, control characters, empty
 * names and names longer than MAX_IMAGE_NAME_LENGTH.
 */
export function normaliseUploadPath(raw: string): UploadPath {
  const name = raw.replaceAll("\\", "/");
  if (name.trim() === "") return { ok: false, reason: "the file name is empty" };
  if (CONTROL_CHARACTERS.test(name)) return { ok: false, reason: "the file name contains control characters" };
  if (name.startsWith("/") || DRIVE_LETTER.test(name)) {
    return { ok: false, reason: "the path is absolute; only paths relative to the upload are accepted" };
  }

  const segments = name.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) return { ok: false, reason: 'the path contains "..", which would leave the upload folder' };
  if (segments.length === 0) return { ok: false, reason: "the file name is empty" };

  const path = segments.join("/");
  if (path.length > MAX_IMAGE_NAME_LENGTH) {
    return { ok: false, reason: `the path has ${path.length} characters; the maximum is ${MAX_IMAGE_NAME_LENGTH}` };
  }
  return { ok: true, path };
}

const SYSTEM_FILE_NAMES = new Set([".ds_store", "thumbs.db", "desktop.ini"]);

/**
 * True for files that operating systems add to folders and archives on their
 * own (macOS resource forks and Finder data, Windows thumbnail caches). They
 * are skipped without a report line because the merchant never chose them.
 */
export function isSystemFile(path: string): boolean {
  const segments = path.split("/");
  const base = (segments[segments.length - 1] ?? "").toLowerCase();
  return segments.includes("__MACOSX") || base.startsWith("._") || SYSTEM_FILE_NAMES.has(base);
}

/** Returns the last segment of a normalised path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
