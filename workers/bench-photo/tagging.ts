/**
 * Tagging throughput for workers/bench-photo.ts: the vision worker's own
 * start-up and tagging loop (embedding threads, sharp preprocessing, fusion
 * heads, database writes and index inserts) on a fresh catalogue.
 */
import os from "node:os";
import path from "node:path";

import type { Logger } from "pino";

import { createDatabase, type Database } from "../../lib/db/client";
import { TAG_IMAGE_JOB } from "../../lib/jobs";
import { decodeVector } from "../../lib/vector-index";
import { readTaggingProgress } from "../../lib/tagging/tagging-loop";
import { startVisionWorker } from "../../lib/tagging/vision-worker";
import { benchCatalogue, importProducts, resetCatalogue } from "./catalogues";

/** Pause between progress checks while the worker tags, in ms. */
const PROGRESS_POLL_MS = 250;
/** Maximum wait for one tagging run, in ms. */
const TAGGING_TIMEOUT_MS = 60 * 60_000;

export interface TaggingRun {
  threads: number;
  images: number;
  tagged: number;
  failed: number;
  /** From the worker's first claim to the finishedAt of the last tagging job. */
  wallSeconds: number;
  imagesPerSecond: number;
  /** CPU time of the whole process (main thread and embedding threads) over the run, including the progress polling. */
  cpuSeconds: number;
  cpuMsPerImage: number;
  loadAverage: { start: number; end: number };
}

export interface TaggingOptions {
  root: string;
  benchDir: string;
  sharedImageStore: string;
  datasetDir: string;
  modelDir: string;
  threads: number;
  products: number;
  log: Logger;
}

/**
 * Imports `products` dataset rows into a fresh catalogue, starts the vision
 * worker on it with `threads` embedding threads and waits until every image
 * is tagged or failed. Returns the run and the open database, which the
 * caller closes.
 */
export async function measureTagging(options: TaggingOptions): Promise<{ run: TaggingRun; database: Database }> {
  const catalogue = benchCatalogue(options.benchDir, `photo-tagging-${options.threads}t`);
  await resetCatalogue(options.root, catalogue, options.sharedImageStore);
  const database = createDatabase(catalogue.config);
  await importProducts(database, { datasetDir: options.datasetDir, catalogue, sharedImageStore: options.sharedImageStore, limit: options.products, log: options.log });

  const worker = await startVisionWorker({
    database,
    modelDir: options.modelDir,
    imageStoreDir: options.sharedImageStore,
    port: 0,
    threads: options.threads,
    indexPath: path.join(catalogue.dataDir, "vector-index", "index.json"),
    logger: options.log.child({ component: "vision-worker" }, { level: "warn" }),
  });
  // startVisionWorker starts its loop, whose first step is the claim, before it returns.
  const startedAt = Date.now();
  const cpuBefore = process.cpuUsage();
  const loadStart = os.loadavg()[0]!;
  options.log.info({ threads: options.threads, products: options.products }, "Vision worker started; tagging");

  let progress;
  try {
    progress = await waitUntilTagged(database, options.log);
  } finally {
    await worker.stop();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const loadEnd = os.loadavg()[0]!;

  const last = await database.prisma.job.aggregate({ where: { type: TAG_IMAGE_JOB }, _max: { finishedAt: true } });
  const finishedAt = last._max.finishedAt?.getTime() ?? Date.now();
  const wallSeconds = (finishedAt - startedAt) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const images = progress.tagged + progress.failed;
  return {
    run: {
      threads: options.threads,
      images,
      tagged: progress.tagged,
      failed: progress.failed,
      wallSeconds,
      imagesPerSecond: images / wallSeconds,
      cpuSeconds,
      cpuMsPerImage: (cpuSeconds * 1000) / images,
      loadAverage: { start: loadStart, end: loadEnd },
    },
    database,
  };
}

async function waitUntilTagged(database: Database, log: Logger) {
  const deadline = Date.now() + TAGGING_TIMEOUT_MS;
  let lastReport = Date.now();
  for (;;) {
    const progress = await readTaggingProgress(database);
    if (progress.total > 0 && progress.tagged + progress.failed >= progress.total) return progress;
    if (Date.now() > deadline) {
      throw new Error(`Tagging timed out after ${TAGGING_TIMEOUT_MS / 60_000} minutes at ${progress.tagged} of ${progress.total} images`);
    }
    if (Date.now() - lastReport > 30_000) {
      log.info({ tagged: progress.tagged, total: progress.total }, "Tagging progress");
      lastReport = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS));
  }
}

export interface EmbeddingComparison {
  compared: number;
  /** SKUs the worker tagged that have no cached embedding. */
  notCached: number;
  minCosine: number;
  /** Largest |worker - cache| over all values, relative to the largest |cache| value of that vector. */
  maxRelativeDifference: number;
}

/**
 * Compares the embeddings the worker stored with the feature cache's
 * embeddings of the same dataset ids, to check that the cache contains the
 * vectors the worker would store.
 */
export async function compareWithCache(database: Database, modelId: string, cached: ReadonlyMap<string, Float32Array>): Promise<EmbeddingComparison> {
  const stored = await database.prisma.embedding.findMany({
    where: { modelId },
    select: { dimension: true, vector: true, image: { select: { product: { select: { sku: true } } } } },
  });
  const comparison: EmbeddingComparison = { compared: 0, notCached: 0, minCosine: 1, maxRelativeDifference: 0 };
  for (const row of stored) {
    const reference = cached.get(row.image.product.sku);
    if (!reference) {
      comparison.notCached++;
      continue;
    }
    const vector = decodeVector(row.vector, row.dimension);
    comparison.compared++;
    comparison.minCosine = Math.min(comparison.minCosine, cosine(vector, reference));
    comparison.maxRelativeDifference = Math.max(comparison.maxRelativeDifference, relativeDifference(vector, reference));
  }
  return comparison;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
}

function relativeDifference(vector: Float32Array, reference: Float32Array): number {
  let largest = 0;
  let difference = 0;
  for (let i = 0; i < reference.length; i++) {
    largest = Math.max(largest, Math.abs(reference[i]!));
    difference = Math.max(difference, Math.abs(vector[i]! - reference[i]!));
  }
  return largest > 0 ? difference / largest : difference;
}
