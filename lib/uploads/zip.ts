/**
 * Reads merchants' ZIP files with yauzl, in two steps that both defend
 * against hostile archives:
 *
 * 1. readZipDirectory, while the upload request runs, reads only the central
 *    directory. It rejects the archive when it is not a ZIP, has more entries
 *    than allowed, or declares more uncompressed bytes than allowed. It marks
 *    single entries as rejected: paths with ".." or an absolute path, symbolic
 *    links and other special files, encrypted entries, unsupported compression
 *    and entries declaring more than the per-image size.
 * 2. extractZipEntries, in the background import, writes the accepted entries
 *    and counts the bytes actually inflated. yauzl stops an entry that
 *    inflates beyond its declared size, and the running total stops the whole
 *    extraction at the upload's limit, so a ZIP bomb never fills the disk.
 *
 * Names are decoded without yauzl's own validation (decodeStrings: false), so
 * that a bad name rejects only its entry, with a reason for the report.
 */
import fs from "node:fs";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";

import yauzl from "yauzl";

import { UploadRejectedError } from "./errors";
import { EMPTY_FILE_REASON, isSystemFile, normaliseUploadPath } from "./file-names";
import { formatBytes, type UploadLimits } from "./limits";

export type ZipLimits = Pick<UploadLimits, "zipEntries" | "zipUncompressedBytes" | "imageBytes">;

export interface ZipEntryPlan {
  /** Position of the entry in the central directory, from 0. */
  index: number;
  /** The normalised path inside the archive, or the raw name when it is invalid. */
  name: string;
  declaredBytes: number;
  /** The reason the entry is not extracted; absent for entries to extract. */
  rejected?: string;
}

export interface ZipDirectory {
  /** File entries in directory order; folders and operating-system files are left out. */
  entries: ZipEntryPlan[];
  /** Entries in the archive, folders included. */
  entryCount: number;
  /** Declared uncompressed bytes of the accepted entries. */
  declaredBytes: number;
}

/** Unix file types in the high bits of externalFileAttributes. */
const FILE_TYPE_MASK = 0o170000;
const REGULAR_FILE = 0o100000;
const SYMBOLIC_LINK = 0o120000;
/** versionMadeBy hosts whose external attributes carry Unix modes: Unix and macOS. */
const UNIX_HOSTS = new Set([3, 19]);
const STORED = 0;
const DEFLATED = 8;

const OPEN_OPTIONS: yauzl.Options = {
  lazyEntries: true,
  decodeStrings: false,
  validateEntrySizes: true,
  autoClose: true,
};

/**
 * Reads the central directory of `file`, named `displayName` in messages.
 * `budget` is the number of uncompressed bytes still allowed for this upload.
 */
export async function readZipDirectory(file: string, displayName: string, limits: ZipLimits, budget: number): Promise<ZipDirectory> {
  const zip = await openZip(file, displayName);
  if (zip.entryCount > limits.zipEntries) {
    zip.close();
    throw new UploadRejectedError(
      413,
      "zip_too_many_entries",
      `${displayName} has ${zip.entryCount} entries; the maximum is ${limits.zipEntries}. Split it into several ZIP files and uploads.`,
      { file: displayName },
    );
  }

  const entries: ZipEntryPlan[] = [];
  let declaredBytes = 0;
  try {
    let index = 0;
    for await (const entry of readEntries(zip, displayName)) {
      const plan = planEntry(entry, index, limits);
      index += 1;
      if (plan === null) continue;
      entries.push(plan);
      if (!plan.rejected) declaredBytes += plan.declaredBytes;
    }
  } finally {
    zip.close();
  }

  if (declaredBytes > budget) {
    throw new UploadRejectedError(
      413,
      "zip_too_large",
      `${displayName} declares ${formatBytes(declaredBytes)} of uncompressed files; an upload may unpack to at most ${formatBytes(limits.zipUncompressedBytes)}.`,
      { file: displayName },
    );
  }
  return { entries, entryCount: zip.entryCount, declaredBytes };
}

export type ExtractedEntry =
  | { index: number; name: string; storedAs: string; bytes: number }
  | { index: number; name: string; rejected: string };

export interface ExtractOptions {
  /** Absolute folder for the extracted files. */
  folder: string;
  /** Folder name that `storedAs` paths start with, relative to the upload folder. */
  storedPrefix: string;
  /** Prefix of each written file's name, so entries of several archives never collide. */
  filePrefix: string;
  limits: ZipLimits;
  /** Shared by all archives of an upload: bytes written so far. */
  total: { bytes: number };
  signal?: AbortSignal;
}

/** The whole archive inflates beyond the upload's limit; extraction stopped there. */
export class ZipBombError extends Error {
  override name = "ZipBombError";
}

/**
 * Extracts the accepted entries of `plans` from `file`. An entry that fails
 * (corrupt data, more bytes than declared) is returned as rejected. Throws
 * ZipBombError once the upload's written bytes pass zipUncompressedBytes.
 */
export async function extractZipEntries(
  file: string,
  displayName: string,
  plans: readonly ZipEntryPlan[],
  options: ExtractOptions,
): Promise<ExtractedEntry[]> {
  const wanted = new Map(plans.filter((plan) => !plan.rejected).map((plan) => [plan.index, plan]));
  const results: ExtractedEntry[] = [];
  if (wanted.size === 0) return results;

  await fs.promises.mkdir(options.folder, { recursive: true });
  const zip = await openZip(file, displayName);
  try {
    let index = 0;
    for await (const entry of readEntries(zip, displayName)) {
      const plan = wanted.get(index);
      index += 1;
      if (!plan) continue;
      options.signal?.throwIfAborted();
      results.push(await extractEntry(zip, entry, plan, options));
    }
  } finally {
    zip.close();
  }
  return results;
}

async function extractEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, plan: ZipEntryPlan, options: ExtractOptions): Promise<ExtractedEntry> {
  const fileName = `${options.filePrefix}${plan.index}`;
  const target = path.join(options.folder, fileName);
  const counter = new ByteCounter(options.limits, options.total);
  try {
    const input = await zip.openReadStreamPromise(entry);
    await pipeline(input, counter, fs.createWriteStream(target, { flags: "wx" }));
    return { index: plan.index, name: plan.name, storedAs: `${options.storedPrefix}/${fileName}`, bytes: counter.bytes };
  } catch (error) {
    await fs.promises.rm(target, { force: true });
    if (error instanceof ZipBombError) throw error;
    if (counter.tooLarge) {
      return { index: plan.index, name: plan.name, rejected: `the file inflates to more than ${formatBytes(options.limits.imageBytes)}, the maximum for an image` };
    }
    // yauzl's message when an entry inflates past the size its header declares.
    if (/too many bytes in the stream/.test(firstLine(error))) {
      return {
        index: plan.index,
        name: plan.name,
        rejected: `the entry inflates to more than the ${formatBytes(plan.declaredBytes)} its header declares, so extraction stopped (a sign of a ZIP bomb)`,
      };
    }
    return { index: plan.index, name: plan.name, rejected: `the entry could not be extracted (${firstLine(error)})` };
  }
}

/** Counts the bytes of one entry and of the whole upload, failing as soon as either passes its limit. */
class ByteCounter extends Transform {
  bytes = 0;
  tooLarge = false;

  constructor(
    private readonly limits: ZipLimits,
    private readonly total: { bytes: number },
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.total.bytes += chunk.length;
    if (this.total.bytes > this.limits.zipUncompressedBytes) {
      callback(
        new ZipBombError(
          `The ZIP files inflate to more than ${formatBytes(this.limits.zipUncompressedBytes)}; extraction stopped there. ` +
            "Check the archive, or split it into several uploads.",
        ),
      );
      return;
    }
    if (this.bytes > this.limits.imageBytes) {
      this.tooLarge = true;
      callback(new Error("entry too large"));
      return;
    }
    callback(null, chunk);
  }
}

/** Decides whether an entry is extracted; null for folders and operating-system files, which are skipped silently. */
function planEntry(entry: yauzl.Entry, index: number, limits: ZipLimits): ZipEntryPlan | null {
  const rawName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
  const declaredBytes = entry.uncompressedSize;
  const fileType = UNIX_HOSTS.has(entry.versionMadeBy >> 8) ? (entry.externalFileAttributes >>> 16) & FILE_TYPE_MASK : 0;

  const name = normaliseUploadPath(rawName);
  if (!name.ok) return { index, name: rawName, declaredBytes, rejected: name.reason };
  if (rawName.endsWith("/") || rawName.endsWith("\\")) return null;
  if (isSystemFile(name.path)) return null;

  const reject = (reason: string): ZipEntryPlan => ({ index, name: name.path, declaredBytes, rejected: reason });
  if (fileType === SYMBOLIC_LINK) return reject("the entry is a symbolic link; the archive must contain the image files themselves");
  if (fileType !== 0 && fileType !== REGULAR_FILE) return reject("the entry is not a regular file");
  if (entry.isEncrypted()) return reject("the entry is encrypted; upload a ZIP without a password");
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    return reject(`the entry uses compression method ${entry.compressionMethod}; use a ZIP with deflate or no compression`);
  }
  if (declaredBytes === 0) return reject(EMPTY_FILE_REASON);
  if (declaredBytes > limits.imageBytes) {
    return reject(`the file is ${formatBytes(declaredBytes)} uncompressed; the maximum for an image is ${formatBytes(limits.imageBytes)}`);
  }
  return { index, name: name.path, declaredBytes };
}

async function openZip(file: string, displayName: string): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(file, OPEN_OPTIONS);
  } catch (error) {
    throw new UploadRejectedError(400, "invalid_zip", `${displayName} is not a readable ZIP file (${firstLine(error)}).`, {
      file: displayName,
    });
  }
}

/** Yields the entries of a lazily read ZIP one at a time. */
async function* readEntries(zip: yauzl.ZipFile, displayName: string): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const next = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const cleanUp = () => {
        zip.off("entry", onEntry);
        zip.off("end", onEnd);
        zip.off("error", onError);
      };
      const onEntry = (entry: yauzl.Entry) => {
        cleanUp();
        resolve(entry);
      };
      const onEnd = () => {
        cleanUp();
        resolve(null);
      };
      const onError = (error: Error) => {
        cleanUp();
        reject(new UploadRejectedError(400, "invalid_zip", `${displayName} is damaged (${firstLine(error)}).`, { file: displayName }));
      };
      zip.on("entry", onEntry);
      zip.on("end", onEnd);
      zip.on("error", onError);
      zip.readEntry();
    });
    if (next === null) return;
    yield next;
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() || "unknown error";
}
