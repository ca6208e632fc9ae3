/**
 * Benchmark catalogues for workers/bench-photo.ts, each in its own data
 * folder under data/bench/ with a SQLite file and an `images` link to the
 * shared image store data/bench/images.
 */
import fs from "node:fs";
import path from "node:path";

import { CATALOGUE_REPLICATION_FACTOR, catalogueIdOffset, insertProductCopies } from "../../lib/benchmarks/catalogue-copies";
import { importDataset } from "../../lib/catalogue/importer";
import { bumpCatalogueRevision } from "../../lib/catalogue/revision";
import { createDatabase, type Database } from "../../lib/db/client";
import type { DatabaseConfig } from "../../lib/db/config";
import { applyMigrations, migrationsFolder } from "../../lib/db/migrate";
import type { Logger } from "pino";
import { decodeVector, encodeVector } from "../../lib/vector-index";
import { gaussian, seededRandom } from "../../lib/vector-index/testing/synthetic";
import { featureCacheDir, readChunk, type ChunkManifest } from "../../lib/vision/feature-cache";

/** Copies of the 10k catalogue in the 100k one, the original included. */
export const REPLICATION_FACTOR = CATALOGUE_REPLICATION_FACTOR;

/** Rows per createMany call when writing embeddings. */
const EMBEDDING_BATCH = 500;

export interface BenchCatalogue {
  /** STYLELENS_DATA_DIR of the processes that serve this catalogue. */
  dataDir: string;
  config: DatabaseConfig;
}

export function benchCatalogue(benchDir: string, name: string): BenchCatalogue {
  const dataDir = path.join(benchDir, name);
  const sqlitePath = path.join(dataDir, "stylelens.db");
  return { dataDir, config: { provider: "sqlite", url: `file:${sqlitePath}`, sqlitePath } };
}

/** Marker written once a catalogue is complete, so that an interrupted build is redone. */
function markerPath(catalogue: BenchCatalogue): string {
  return path.join(catalogue.dataDir, "catalogue.complete");
}

export function isComplete(catalogue: BenchCatalogue): boolean {
  return fs.existsSync(markerPath(catalogue));
}

export function markComplete(catalogue: BenchCatalogue, details: Record<string, unknown>): void {
  fs.writeFileSync(markerPath(catalogue), `${JSON.stringify({ ...details, completedAt: new Date().toISOString() })}\n`);
}

/**
 * Deletes the catalogue's folder and creates it again with a migrated, empty
 * database and the `images` link to the shared store.
 */
export async function resetCatalogue(root: string, catalogue: BenchCatalogue, sharedImageStore: string): Promise<void> {
  fs.rmSync(catalogue.dataDir, { recursive: true, force: true });
  fs.mkdirSync(catalogue.dataDir, { recursive: true });
  fs.mkdirSync(sharedImageStore, { recursive: true });
  fs.symlinkSync(path.relative(catalogue.dataDir, sharedImageStore), path.join(catalogue.dataDir, "images"));
  await applyMigrations(catalogue.config, migrationsFolder(root, "sqlite"));
}

/** Imports the first `limit` rows of the dataset (all rows when undefined) with the project's importer. */
export async function importProducts(
  database: Database,
  options: { datasetDir: string; catalogue: BenchCatalogue; sharedImageStore: string; limit?: number; log: Logger },
): Promise<number> {
  const summary = await importDataset({
    database,
    datasetDir: options.datasetDir,
    imageStoreDir: options.sharedImageStore,
    reportsDir: path.join(options.catalogue.dataDir, "reports"),
    limit: options.limit,
  });
  options.log.info({ imported: summary.imported, seconds: Math.round(summary.durationMs / 1000) }, "Imported benchmark catalogue");
  return summary.imported;
}

/**
 * Reads the raw (not normalised) backbone embeddings of the original view of
 * every catalogue photo from the feature cache that `npm run train` fills,
 * keyed by dataset id. Returns null when the cache folder does not exist.
 */
export function readCachedCatalogueEmbeddings(dataDir: string, backboneId: string, imageFolder: string): Map<string, Float32Array> | null {
  const viewDir = path.join(featureCacheDir(dataDir, backboneId, imageFolder), "original");
  if (!fs.existsSync(viewDir)) return null;

  const vectors = new Map<string, Float32Array>();
  const manifests = fs.readdirSync(viewDir).filter((name) => /^\d+\.json$/.test(name)).sort();
  for (const name of manifests) {
    const manifest = JSON.parse(fs.readFileSync(path.join(viewDir, name), "utf8")) as ChunkManifest;
    const chunk = readChunk(path.dirname(viewDir), "original", Number(name.slice(0, -".json".length)), manifest.planHash);
    if (!chunk) throw new Error(`Feature chunk ${path.join(viewDir, name)} could not be read: delete the folder ${viewDir} and run npm run train`);
    const { ids, dimension } = chunk.manifest;
    ids.forEach((id, row) => vectors.set(id, chunk.data.slice(row * dimension, (row + 1) * dimension)));
  }
  return vectors;
}

/**
 * Stores a cached embedding for the main photo of every product whose SKU has
 * one, as the vision worker would after tagging it, and marks those images
 * tagged so that the worker does not queue them. Products without a cached
 * embedding stay pending, and the worker tags them when it starts.
 */
export async function attachEmbeddings(
  database: Database,
  modelId: string,
  vectorsBySku: ReadonlyMap<string, Float32Array>,
): Promise<{ attached: number; missing: number }> {
  const db = database.prisma;
  // Raw SQL, because Prisma's nested read of 10k products' images exceeds SQLite's bound-parameter limit.
  const products = await db.$queryRawUnsafe<{ sku: string; imageId: number | null }[]>(`
    SELECT p."sku", (SELECT i."id" FROM "ProductImage" i WHERE i."productId" = p."id" ORDER BY i."position" LIMIT 1) AS "imageId"
    FROM "Product" p ORDER BY p."id"`);
  const rows: { imageId: number; modelId: string; dimension: number; vector: Uint8Array<ArrayBuffer> }[] = [];
  let missing = 0;
  for (const product of products) {
    const vector = vectorsBySku.get(product.sku);
    if (!vector || product.imageId === null) {
      missing++;
      continue;
    }
    rows.push({ imageId: Number(product.imageId), modelId, dimension: vector.length, vector: encodeVector(vector) });
  }

  for (let start = 0; start < rows.length; start += EMBEDDING_BATCH) {
    const batch = rows.slice(start, start + EMBEDDING_BATCH);
    await db.$transaction([
      db.embedding.createMany({ data: batch }),
      db.productImage.updateMany({ where: { id: { in: batch.map((row) => row.imageId) } }, data: { status: "tagged" } }),
    ]);
  }
  return { attached: rows.length, missing };
}

/**
 * Fills the 100k catalogue from the complete 10k one: a consistent copy of
 * the file, then REPLICATION_FACTOR - 1 more copies of every product and image
 * under new ids and SKUs (`<sku>-copy<n>`), with the same image files. Each
 * copy's embedding is the original's plus seeded Gaussian noise of
 * `relativeNoise` times the vector's norm in total (per dimension
 * relativeNoise x norm / sqrt(dimension)), so the copies are near the
 * original but not on it. Attributes and the keyword search documents are not
 * copied: photo search does not read them.
 */
export async function replicateCatalogue(
  source: BenchCatalogue,
  target: BenchCatalogue,
  options: { modelId: string; relativeNoise: number; seed: number; log: Logger },
): Promise<{ products: number; embeddings: number }> {
  const sourceDatabase = createDatabase(source.config);
  try {
    // VACUUM INTO writes a consistent copy, WAL contents included.
    await sourceDatabase.prisma.$executeRawUnsafe(`VACUUM INTO '${target.config.sqlitePath!.replaceAll("'", "''")}'`);
  } finally {
    await sourceDatabase.prisma.$disconnect();
  }

  const database = createDatabase(target.config);
  try {
    const offset = await copyProductsAndImages(database);
    options.log.info({ offset, copies: REPLICATION_FACTOR - 1 }, "Copied products and images");
    const embeddings = await writeNoisyEmbeddings(database, offset, options);
    const products = await database.prisma.product.count();
    return { products, embeddings };
  } finally {
    await database.prisma.$disconnect();
  }
}

/** Inserts the copies of Product and ProductImage with product ids shifted by multiples of the largest id; returns that id. */
async function copyProductsAndImages(database: Database): Promise<number> {
  const offset = await catalogueIdOffset(database);
  await database.prisma.$transaction(
    async (tx) => {
      for (let copy = 1; copy < REPLICATION_FACTOR; copy++) await insertProductCopies(tx, offset, copy);
      await bumpCatalogueRevision(tx);
    },
    { timeout: 30 * 60_000 },
  );
  return offset;
}

async function writeNoisyEmbeddings(
  database: Database,
  offset: number,
  options: { modelId: string; relativeNoise: number; seed: number; log: Logger },
): Promise<number> {
  const db = database.prisma;
  const originals = await db.$queryRawUnsafe<{ dimension: number; vector: Uint8Array; productId: number; position: number }[]>(
    `SELECT e."dimension", e."vector", i."productId", i."position"
     FROM "Embedding" e JOIN "ProductImage" i ON i."id" = e."imageId"
     WHERE e."modelId" = ? AND i."productId" <= ?`,
    options.modelId,
    offset,
  );
  const copiedImages = await db.productImage.findMany({
    where: { productId: { gt: offset } },
    select: { id: true, productId: true, position: true },
    orderBy: { id: "asc" },
  });
  const originalByKey = new Map(originals.map((row) => [`${Number(row.productId)}:${Number(row.position)}`, row]));
  const normal = gaussian(seededRandom(options.seed));

  let written = 0;
  for (let start = 0; start < copiedImages.length; start += EMBEDDING_BATCH) {
    const data: { imageId: number; modelId: string; dimension: number; vector: Uint8Array<ArrayBuffer> }[] = [];
    for (const image of copiedImages.slice(start, start + EMBEDDING_BATCH)) {
      const originalProductId = ((image.productId - 1) % offset) + 1;
      const original = originalByKey.get(`${originalProductId}:${image.position}`);
      if (!original) continue;
      const dimension = Number(original.dimension);
      const vector = addRelativeNoise(decodeVector(original.vector, dimension), options.relativeNoise, normal);
      data.push({ imageId: image.id, modelId: options.modelId, dimension, vector: encodeVector(vector) });
    }
    await db.embedding.createMany({ data });
    written += data.length;
    if ((start / EMBEDDING_BATCH) % 40 === 0) options.log.info({ written, images: copiedImages.length }, "Writing embeddings of the copies");
  }
  return written;
}

/** Returns vector + noise whose expected norm is relativeNoise x the vector's norm. */
export function addRelativeNoise(vector: Float32Array, relativeNoise: number, normal: () => number): Float32Array {
  let squaredNorm = 0;
  for (const value of vector) squaredNorm += value * value;
  const sigma = (relativeNoise * Math.sqrt(squaredNorm)) / Math.sqrt(vector.length);
  return vector.map((value) => value + sigma * normal());
}
