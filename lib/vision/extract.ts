import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

import { logger } from "../logger";
import type { BackboneConfig } from "./backbone-config";
import { COLOUR_FEATURE_VERSION } from "./colour-features";
import { planChunks, planHash, readChunk, writeChunk, type ChunkManifest } from "./feature-cache";
import { augmentationFor, type Augmentation } from "./preprocess";

/**
 * Feature extraction on worker threads. Each worker loads its own
 * TensorFlow.js and backbone, because the wasm backend is single-threaded in
 * Node. The main thread hands out chunks and writes each finished one to the
 * feature cache, so a killed run resumes at the next missing chunk.
 */

export const FEATURE_CHUNK_SIZE = 128;

export interface ExtractionView {
  /** "original" or an augmented view name such as "aug-1". */
  name: string;
  /** Draw a deterministic augmentation per image (keyed by id and view name). */
  augment: boolean;
  items: { id: string; imagePath: string }[];
}

export interface ExtractionOptions {
  cacheDir: string;
  views: ExtractionView[];
  backbone: BackboneConfig;
  workerCount: number;
  /** Images per forward pass inside a worker. */
  batchSize?: number;
  chunkSize?: number;
}

export interface ExtractionSummary {
  extractedImages: number;
  cachedImages: number;
  failedImages: number;
  seconds: number;
  imagesPerSecond: number;
}

/** Messages between the main thread and workers/vision-extract-worker.ts. */
export interface WorkerTask {
  taskId: number;
  items: { id: string; imagePath: string; augmentation?: Augmentation }[];
  /** Recompute only the colour features; the result's embeddings are then empty. */
  colourOnly: boolean;
}
export interface WorkerResult {
  taskId: number;
  ids: string[];
  failed: { id: string; error: string }[];
  dimension: number;
  colourDimension: number;
  embeddings: Float32Array;
  colourFeatures: Float32Array;
}
export interface WorkerInit {
  backbone: BackboneConfig;
  batchSize: number;
}

const WORKER_PATH = path.resolve(import.meta.dirname, "..", "..", "workers", "vision-extract-worker.ts");

// The worker is TypeScript. Node 20 does not pass the parent's tsx loader to
// worker threads, so a small script registers tsx in the worker and then
// imports the worker module.
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(WORKER_PATH).href)}); })`;

interface PendingChunk {
  view: string;
  index: number;
  hash: string;
  items: WorkerTask["items"];
  /** Cached chunk whose embeddings are kept while its colour features are recomputed. */
  stale?: { manifest: ChunkManifest; embeddings: Float32Array };
}

/** Extracts every chunk missing from the cache. Rejects if a worker fails. */
export async function extractFeatures(options: ExtractionOptions): Promise<ExtractionSummary> {
  const chunkSize = options.chunkSize ?? FEATURE_CHUNK_SIZE;
  if (!Number.isInteger(options.workerCount) || options.workerCount < 1) {
    throw new Error(`Invalid worker count ${options.workerCount}: use a whole number of at least 1`);
  }

  const pending: PendingChunk[] = [];
  let cachedImages = 0;
  for (const view of options.views) {
    const byId = new Map(view.items.map((item) => [item.id, item]));
    planChunks(
      view.items.map((item) => item.id),
      chunkSize,
    ).forEach((ids, index) => {
      const hash = planHash(ids);
      const cached = readChunk(options.cacheDir, view.name, index, hash);
      if (cached && (cached.manifest.colourVersion ?? 1) === COLOUR_FEATURE_VERSION) {
        cachedImages += ids.length;
        return;
      }
      const toItem = (id: string) => {
        const item = byId.get(id)!;
        return view.augment ? { ...item, augmentation: augmentationFor(`${id}/${view.name}`) } : item;
      };
      if (cached) {
        const embeddings = cached.data.slice(0, cached.manifest.ids.length * cached.manifest.dimension);
        pending.push({ view: view.name, index, hash, items: cached.manifest.ids.map(toItem), stale: { manifest: cached.manifest, embeddings } });
      } else {
        pending.push({ view: view.name, index, hash, items: ids.map(toItem) });
      }
    });
  }

  const total = pending.reduce((sum, chunk) => sum + chunk.items.length, 0);
  logger.info({ cacheDir: options.cacheDir, chunks: pending.length, images: total, cachedImages }, "feature extraction starting");
  const started = performance.now();
  let extractedImages = 0;
  let failedImages = 0;
  if (pending.length === 0) return { extractedImages, cachedImages, failedImages, seconds: 0, imagesPerSecond: 0 };

  const init: WorkerInit = { backbone: options.backbone, batchSize: options.batchSize ?? 16 };
  const workerCount = Math.min(options.workerCount, pending.length);
  let next = 0;

  const runWorker = (workerIndex: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: init });
      const inFlight = new Map<number, PendingChunk>();
      const sendNext = (): void => {
        if (next >= pending.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const taskId = next++;
        const chunk = pending[taskId]!;
        inFlight.set(taskId, chunk);
        worker.postMessage({ taskId, items: chunk.items, colourOnly: chunk.stale !== undefined } satisfies WorkerTask);
      };
      worker.on("message", (message: WorkerResult | { ready: true }) => {
        if ("ready" in message) {
          sendNext();
          return;
        }
        const chunk = inFlight.get(message.taskId)!;
        inFlight.delete(message.taskId);
        if (chunk.stale && message.ids.join() !== chunk.stale.manifest.ids.join()) {
          reject(new Error(`Colour features of chunk ${chunk.index} of view "${chunk.view}" failed for some images that have embeddings`));
          return;
        }
        writeChunk(
          options.cacheDir,
          chunk.view,
          chunk.index,
          {
            ids: message.ids,
            failed: chunk.stale ? chunk.stale.manifest.failed : message.failed,
            dimension: message.dimension,
            colourDimension: message.colourDimension,
            colourVersion: COLOUR_FEATURE_VERSION,
            planHash: chunk.hash,
          },
          chunk.stale ? chunk.stale.embeddings : message.embeddings,
          message.colourFeatures,
        );
        extractedImages += message.ids.length;
        failedImages += message.failed.length;
        for (const failure of message.failed) logger.warn({ id: failure.id, err: failure.error }, "image skipped");
        const seconds = (performance.now() - started) / 1000;
        logger.info(
          {
            worker: workerIndex,
            view: chunk.view,
            chunk: chunk.index,
            done: extractedImages + failedImages,
            of: total,
            imagesPerSecond: Number((extractedImages / seconds).toFixed(2)),
          },
          "feature chunk written",
        );
        sendNext();
      });
      worker.on("error", reject);
      worker.on("exit", (code) => {
        if (code !== 0 && code !== 1) reject(new Error(`Feature worker ${workerIndex} exited with code ${code}`));
      });
    });

  await Promise.all(Array.from({ length: workerCount }, (_, index) => runWorker(index)));
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    extractedImages,
    cachedImages,
    failedImages,
    seconds,
    imagesPerSecond: extractedImages / seconds,
  };
  logger.info(summary, "feature extraction finished");
  return summary;
}
