/**
 * Content-addressed image store under imageStoreDir(). An image with SHA-256
 * content hash H is kept as
 *
 *   originals/<H[0..2]>/<H>.<ext>   the uploaded bytes, unchanged
 *   thumbs/<H[0..2]>/<H>.webp       the thumbnail (see renderThumbnail)
 *
 * Keys are these paths relative to the store root; ProductImage.storageKey
 * and thumbnailKey hold them and app/media/[...key]/route.ts serves them. A
 * key never changes meaning, so storing a hash that is already there writes
 * nothing, and responses may be cached forever. Each file is written to a
 * temporary name and renamed into place, so readers never see a partial file.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import {
  inspectImage,
  renderThumbnail,
  THUMBNAIL_FORMAT,
  type ImageLimits,
  type SupportedFormat,
} from "./image-processing";

const EXTENSIONS: Record<SupportedFormat, string> = {
  jpeg: "jpg",
  png: "png",
  webp: "webp",
  gif: "gif",
  avif: "avif",
};

const CONTENT_TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
};

/**
 * Every valid key: a folder, the first two hex digits of the hash, the
 * 64-digit lower-case hash starting with those digits, a known extension.
 */
export const STORE_KEY_PATTERN = /^(originals|thumbs)\/([0-9a-f]{2})\/\2[0-9a-f]{62}\.(jpg|png|webp|gif|avif)$/;

export interface StoredImage {
  /** Lower-case hex SHA-256 of the original bytes. */
  contentHash: string;
  byteSize: number;
  /** Displayed width in pixels (EXIF orientation applied). */
  width: number;
  /** Displayed height in pixels (EXIF orientation applied). */
  height: number;
  format: SupportedFormat;
  storageKey: string;
  thumbnailKey: string;
  /** False when both files were already in the store and nothing was written. */
  written: boolean;
}

export interface StoreImageOptions extends ImageLimits {
  /** Root folder of the store, normally imageStoreDir(). */
  storeDir: string;
}

export function hashImage(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Checks the image and stores the original and its thumbnail under its
 * content hash, writing only the files that are missing. Throws
 * ImageRejectedError for undecodable, unsupported or oversized images.
 */
export async function storeImage(bytes: Buffer, options: StoreImageOptions): Promise<StoredImage> {
  const info = await inspectImage(bytes, options);
  const contentHash = hashImage(bytes);
  const storageKey = originalKey(contentHash, info.format);
  const thumbKey = thumbnailKey(contentHash);

  const originalPath = path.join(options.storeDir, storageKey);
  const thumbnailPath = path.join(options.storeDir, thumbKey);
  const [hasOriginal, hasThumbnail] = await Promise.all([fileExists(originalPath), fileExists(thumbnailPath)]);

  if (!hasThumbnail) {
    // Render before writing anything, so an image that fails to decode leaves no file behind.
    const thumbnail = await renderThumbnail(bytes, options);
    if (!hasOriginal) await writeFileAtomic(originalPath, bytes);
    await writeFileAtomic(thumbnailPath, thumbnail);
  } else if (!hasOriginal) {
    await writeFileAtomic(originalPath, bytes);
  }

  return {
    contentHash,
    byteSize: bytes.length,
    width: info.width,
    height: info.height,
    format: info.format,
    storageKey,
    thumbnailKey: thumbKey,
    written: !hasOriginal || !hasThumbnail,
  };
}

export function originalKey(contentHash: string, format: SupportedFormat): string {
  return `originals/${contentHash.slice(0, 2)}/${contentHash}.${EXTENSIONS[format]}`;
}

export function thumbnailKey(contentHash: string): string {
  return `thumbs/${contentHash.slice(0, 2)}/${contentHash}.${THUMBNAIL_FORMAT}`;
}

/** URL path under which app/media/[...key]/route.ts serves a store key. */
export function mediaUrl(key: string): string {
  return `/media/${key.split("/").map(encodeURIComponent).join("/")}`;
}

export function isStoreKey(key: string): boolean {
  return STORE_KEY_PATTERN.test(key);
}

/** Returns the absolute path of a valid key inside `storeDir`, or null for anything else. */
export function storePath(storeDir: string, key: string): string | null {
  return isStoreKey(key) ? path.join(storeDir, key) : null;
}

/** Content-Type of a valid key's file. */
export function contentTypeOfKey(key: string): string {
  const extension = key.slice(key.lastIndexOf(".") + 1);
  return CONTENT_TYPES[extension] ?? "application/octet-stream";
}

/** True when the file for `key` exists in the store. */
export async function hasStoredFile(storeDir: string, key: string): Promise<boolean> {
  const file = storePath(storeDir, key);
  return file !== null && (await fileExists(file));
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file);
    return true;
  } catch {
    return false;
  }
}

async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  // The temporary name never matches STORE_KEY_PATTERN, so it is never served.
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await fs.promises.writeFile(temporary, data, { flag: "wx" });
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}
