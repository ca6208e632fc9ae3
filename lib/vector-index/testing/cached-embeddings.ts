/**
 * Reads real image embeddings from the feature cache that the vision
 * extraction writes under <dataDir>/features (format: lib/vision/feature-cache.ts).
 * Each view folder contains chunks: <n>.json lists the chunk's `ids` and
 * `dimension`, and <n>.bin starts with ids.length × dimension float32 values
 * in the machine's byte order, followed by colour features that are ignored
 * here. Only for tests and benchmarks, which skip when no cache exists.
 */
import fs from "node:fs";
import path from "node:path";

export interface CachedEmbeddings {
  /** Folder the embeddings were read from. */
  source: string;
  ids: string[];
  dimension: number;
  /** Row-major [ids.length, dimension], normalised to unit length. */
  vectors: Float32Array;
}

/**
 * Reads the embeddings of the first view folder named `view` under a source
 * folder whose name starts with `sourcePrefix` (e.g. "fashion-products" or
 * "queries"), up to `limit` rows. Returns null when no such folder exists.
 */
export function readCachedEmbeddings(
  featuresDir: string,
  sourcePrefix: string,
  options: { view?: string; limit?: number } = {},
): CachedEmbeddings | null {
  const view = options.view ?? "original";
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!fs.existsSync(featuresDir)) return null;

  for (const backbone of fs.readdirSync(featuresDir).sort()) {
    const backboneDir = path.join(featuresDir, backbone);
    if (!fs.statSync(backboneDir).isDirectory()) continue;
    for (const source of fs.readdirSync(backboneDir).sort()) {
      const viewDir = path.join(backboneDir, source, view);
      if (!source.startsWith(`${sourcePrefix}-`) || !fs.existsSync(viewDir)) continue;
      const embeddings = readView(viewDir, limit);
      if (embeddings) return embeddings;
    }
  }
  return null;
}

function readView(viewDir: string, limit: number): CachedEmbeddings | null {
  const manifests = fs.readdirSync(viewDir).filter((name) => /^\d+\.json$/.test(name)).sort();
  const ids: string[] = [];
  const rows: Float32Array[] = [];
  let dimension = 0;

  for (const name of manifests) {
    if (ids.length >= limit) break;
    const binPath = path.join(viewDir, name.replace(/\.json$/, ".bin"));
    if (!fs.existsSync(binPath)) continue;
    const manifest = JSON.parse(fs.readFileSync(path.join(viewDir, name), "utf8")) as { ids: string[]; dimension: number };
    if (dimension !== 0 && manifest.dimension !== dimension) {
      throw new Error(`Feature chunk ${name} in ${viewDir} has dimension ${manifest.dimension}, expected ${dimension}`);
    }
    dimension = manifest.dimension;

    const bytes = fs.readFileSync(binPath);
    const take = Math.min(manifest.ids.length, limit - ids.length);
    if (bytes.byteLength < manifest.ids.length * dimension * 4) {
      throw new Error(`Feature chunk ${binPath} is truncated: ${bytes.byteLength} bytes for ${manifest.ids.length} × ${dimension} floats`);
    }
    const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + take * dimension * 4));
    rows.push(floats);
    ids.push(...manifest.ids.slice(0, take));
  }
  if (ids.length === 0) return null;

  const vectors = new Float32Array(ids.length * dimension);
  let offset = 0;
  for (const part of rows) {
    vectors.set(part, offset);
    offset += part.length;
  }
  for (let row = 0; row < ids.length; row++) {
    let squaredNorm = 0;
    for (let i = row * dimension; i < (row + 1) * dimension; i++) squaredNorm += vectors[i]! * vectors[i]!;
    const scale = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
    for (let i = row * dimension; i < (row + 1) * dimension; i++) vectors[i]! *= scale;
  }
  return { source: viewDir, ids, dimension, vectors };
}
