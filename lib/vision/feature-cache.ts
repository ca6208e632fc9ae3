import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { COLOUR_FEATURE_VERSION } from "./colour-features";
import { PREPROCESS_VERSION } from "./preprocess";

/**
 * On-disk cache of backbone embeddings and colour features, one folder per
 * (backbone, preprocessing version, image folder), one subfolder per view
 * ("original", "aug-1", ...). A view is stored in chunks of a fixed item list:
 * <index>.bin contains the float32 embeddings of the chunk's images followed by
 * their colour features, and <index>.json, written last by rename, lists the
 * ids and marks the chunk complete. An interrupted extraction therefore
 * resumes at the first chunk without a .json file, and a chunk whose colour
 * features have an older COLOUR_FEATURE_VERSION gets only those recomputed.
 */

export interface ChunkManifest {
  ids: string[];
  /** Planned ids whose image could not be read, with the error message. */
  failed: { id: string; error: string }[];
  dimension: number;
  colourDimension: number;
  /** COLOUR_FEATURE_VERSION the colour features were computed with (absent means 1). */
  colourVersion?: number;
  /** Hash of the planned ids, so a changed plan is never mixed with old chunks. */
  planHash: string;
}

export interface ViewFeatures {
  ids: string[];
  dimension: number;
  colourDimension: number;
  /** Row-major [ids.length, dimension]. */
  embeddings: Float32Array;
  /** Row-major [ids.length, colourDimension]. */
  colourFeatures: Float32Array;
  failed: { id: string; error: string }[];
}

/** Cache folder for one backbone and one source image folder, under <dataDir>/features. */
export function featureCacheDir(dataDir: string, backboneId: string, sourceDir: string): string {
  const sourceHash = crypto.createHash("sha1").update(path.resolve(sourceDir)).digest("hex").slice(0, 10);
  const backbone = backboneId.replace(/[^A-Za-z0-9._-]+/g, "_");
  return path.join(dataDir, "features", `${backbone}-p${PREPROCESS_VERSION}`, `${path.basename(sourceDir)}-${sourceHash}`);
}

export function planHash(ids: readonly string[]): string {
  return crypto.createHash("sha1").update(ids.join("\n")).digest("hex").slice(0, 16);
}

function chunkPaths(cacheDir: string, view: string, index: number): { json: string; bin: string } {
  const base = path.join(cacheDir, view, String(index).padStart(5, "0"));
  return { json: `${base}.json`, bin: `${base}.bin` };
}

/** Reads a complete chunk, or returns null when it is missing or was planned for other ids. */
export function readChunk(
  cacheDir: string,
  view: string,
  index: number,
  expectedPlanHash: string,
): { manifest: ChunkManifest; data: Float32Array } | null {
  const paths = chunkPaths(cacheDir, view, index);
  if (!fs.existsSync(paths.json) || !fs.existsSync(paths.bin)) return null;
  const manifest = JSON.parse(fs.readFileSync(paths.json, "utf8")) as ChunkManifest;
  if (manifest.planHash !== expectedPlanHash) return null;
  const bytes = fs.readFileSync(paths.bin);
  const expected = manifest.ids.length * (manifest.dimension + manifest.colourDimension) * 4;
  if (bytes.byteLength !== expected) {
    throw new Error(`Corrupt feature chunk ${paths.bin}: ${bytes.byteLength} bytes, expected ${expected}. Delete it to re-extract.`);
  }
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { manifest, data };
}

export function writeChunk(
  cacheDir: string,
  view: string,
  index: number,
  manifest: ChunkManifest,
  embeddings: Float32Array,
  colourFeatures: Float32Array,
): void {
  const paths = chunkPaths(cacheDir, view, index);
  fs.mkdirSync(path.dirname(paths.bin), { recursive: true });
  const bin = Buffer.concat([
    Buffer.from(embeddings.buffer, embeddings.byteOffset, embeddings.byteLength),
    Buffer.from(colourFeatures.buffer, colourFeatures.byteOffset, colourFeatures.byteLength),
  ]);
  fs.writeFileSync(`${paths.bin}.tmp`, bin);
  fs.renameSync(`${paths.bin}.tmp`, paths.bin);
  fs.writeFileSync(`${paths.json}.tmp`, JSON.stringify(manifest));
  fs.renameSync(`${paths.json}.tmp`, paths.json);
}

/** Splits planned ids into chunks of chunkSize; the plan must be identical across runs to resume. */
export function planChunks(ids: readonly string[], chunkSize: number): string[][] {
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += chunkSize) chunks.push(ids.slice(start, start + chunkSize));
  return chunks;
}

/**
 * Reads every chunk of a view into one matrix. Throws when a chunk is missing
 * or has colour features of another version.
 */
export function readView(cacheDir: string, view: string, ids: readonly string[], chunkSize: number): ViewFeatures {
  const chunks = planChunks(ids, chunkSize);

  const parts: { manifest: ChunkManifest; data: Float32Array }[] = [];
  for (let index = 0; index < chunks.length; index++) {
    const chunk = readChunk(cacheDir, view, index, planHash(chunks[index]!));
    if (!chunk) {
      throw new Error(`Feature chunk ${index} of view "${view}" is missing in ${cacheDir}: run "npm run train" (or workers/vision-extract.ts) to extract it`);
    }
    parts.push(chunk);
  }
  for (const [index, part] of parts.entries()) {
    if ((part.manifest.colourVersion ?? 1) !== COLOUR_FEATURE_VERSION) {
      throw new Error(
        `Feature chunk ${index} of view "${view}" in ${cacheDir} has colour features of version ${part.manifest.colourVersion ?? 1}, ` +
          `expected ${COLOUR_FEATURE_VERSION}: run the extraction again to recompute them`,
      );
    }
  }

  const dimension = parts[0]?.manifest.dimension ?? 0;
  const colourDimension = parts[0]?.manifest.colourDimension ?? 0;
  const total = parts.reduce((sum, part) => sum + part.manifest.ids.length, 0);
  const embeddings = new Float32Array(total * dimension);
  const colourFeatures = new Float32Array(total * colourDimension);
  const allIds: string[] = [];
  const failed: { id: string; error: string }[] = [];

  let row = 0;
  for (const { manifest, data } of parts) {
    const count = manifest.ids.length;
    embeddings.set(data.subarray(0, count * dimension), row * dimension);
    colourFeatures.set(data.subarray(count * dimension), row * colourDimension);
    allIds.push(...manifest.ids);
    failed.push(...manifest.failed);
    row += count;
  }
  return { ids: allIds, dimension, colourDimension, embeddings, colourFeatures, failed };
}
