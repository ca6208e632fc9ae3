import os from "node:os";
import path from "node:path";

import type { Logger } from "pino";

import type { Database } from "../db/client";
import { releaseJobs } from "../jobs";
import { openVectorIndex, vectorIndexPath, type VectorIndex } from "../vector-index";
import { assertModelBackbone, backboneConfigFromEnv, describeBackbone, type BackboneConfig } from "../vision/backbone-config";
import { loadFusionModel } from "../vision/fusion-store";
import { selectBackend, type BackendName } from "../vision/tf-backend";
import { startEmbedderPool } from "./embedder-pool";
import { scheduleIndexSync } from "./index-sync";
import { startQueryServer, type QueryServer } from "./query-server";
import type { TaggingContext } from "./tag-batch";
import { enqueueUntaggedImages, IDLE_POLL_MS, IMAGES_PER_THREAD, readTaggingProgress, tagNextBatch } from "./tagging-loop";

export interface VisionWorkerOptions {
  database: Database;
  /** Folder of the trained fusion model, e.g. models/<model id>. */
  modelDir: string;
  /** Backbone the model was trained on; default the one configured in the environment. */
  backbone?: BackboneConfig;
  imageStoreDir: string;
  /** Port of the query server; 0 picks a free one. */
  port: number;
  /** Embedding threads; default the number of CPU cores. */
  threads?: number;
  /** Forces a TensorFlow.js backend (tests); default the fastest available. */
  backend?: BackendName;
  /** Index header path; default vectorIndexPath(model id). */
  indexPath?: string;
  leaseMs?: number;
  /** Minimum time between index saves while tagging, in ms. */
  saveEveryMs?: number;
  logger: Logger;
}

export interface VisionWorker {
  readonly workerId: string;
  readonly modelId: string;
  readonly backend: BackendName;
  readonly index: VectorIndex;
  readonly queryPort: number;
  readonly context: TaggingContext;
  /** Resolves when the tagging loop has stopped after `stop()`. */
  readonly stopped: Promise<void>;
  /** Finishes the running batch, releases unstarted jobs, saves the index and closes the pool and server. */
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_MS = 120_000;
export const DEFAULT_SAVE_EVERY_MS = 60_000;

/**
 * Starts the vision worker: selects the TensorFlow.js backend, loads the
 * backbone (on one thread per core) and the fusion model, opens the vector
 * index (rebuilding it from stored embeddings when the saved one does not
 * match), enqueues untagged images, starts the query server and runs the
 * tagging loop until `stop()`.
 */
export async function startVisionWorker(options: VisionWorkerOptions): Promise<VisionWorker> {
  const log = options.logger;
  const workerId = `vision-${os.hostname()}-${process.pid}-${Date.now().toString(36)}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

  // The fusion heads run on this thread, the backbone on the pool's threads.
  const backend = await selectBackend(options.backend);
  const model = loadFusionModel(options.modelDir);
  const backbone = options.backbone ?? backboneConfigFromEnv();
  assertModelBackbone(model, backbone);

  const threads = options.threads ?? Math.max(1, os.availableParallelism());
  const pool = await startEmbedderPool({ backbone, threads, backend: options.backend, logger: log });
  let index: VectorIndex;
  let server: QueryServer;
  try {
    log.info({ modelId: model.modelId, backend: pool.backend, threads, backbone: describeBackbone(backbone) }, "Vision model loaded");
    const indexPath = options.indexPath ?? vectorIndexPath(model.modelId);
    ({ index } = await openVectorIndex(options.database.prisma, {
      modelId: model.modelId,
      dimension: pool.dimension,
      headerPath: indexPath,
      logger: log,
    }));
    const enqueued = await enqueueUntaggedImages(options.database, model.modelId);
    log.info({ enqueued }, "Enqueued tagging for untagged images");
    server = await startQueryServer({ database: options.database, pool, index, modelId: model.modelId, backend: pool.backend, logger: log, port: options.port });
  } catch (error) {
    await pool.close();
    throw error;
  }
  if (backend !== pool.backend) log.warn({ mainThread: backend, pool: pool.backend }, "The main thread and the embedding threads use different backends");

  const context: TaggingContext = { database: options.database, workerId, pool, model, index, imageStoreDir: options.imageStoreDir, leaseMs, logger: log };
  const indexPath = options.indexPath ?? vectorIndexPath(model.modelId);
  let stopping = false;
  let wake: (() => void) | null = null;

  const saveIndex = async (reason: string): Promise<void> => {
    const saved = await index.save(indexPath);
    log.info({ reason, products: saved.elementCount - saved.deletedCount, path: path.relative(process.cwd(), saved.headerPath) }, "Saved vector index");
  };

  const loop = async (): Promise<void> => {
    const batchSize = IMAGES_PER_THREAD * threads;
    let lastSave = Date.now();
    let unsaved = 0;
    let windowStart = performance.now();
    let windowImages = 0;
    const indexSync = scheduleIndexSync({ database: options.database, index, headerPath: indexPath, logger: log });
    while (!stopping) {
      // Deletions and unpublished products reach the index here. A rebuild saves the index itself.
      const synced = await indexSync.runIfDue();
      if (synced?.rebuilt) {
        lastSave = Date.now();
        unsaved = 0;
      } else if (synced) {
        unsaved += synced.marked.length + synced.added.length;
      }
      let outcome;
      try {
        outcome = await tagNextBatch(context, batchSize);
      } catch (error) {
        log.error({ err: error }, "Tagging loop error; retrying after a pause");
        outcome = null;
      }
      if (outcome) {
        unsaved += outcome.tagged;
        windowImages += outcome.tagged + outcome.failed;
        const progress = await readTaggingProgress(options.database);
        const seconds = (performance.now() - windowStart) / 1000;
        log.info(
          { ...outcome, progress: `${progress.tagged}/${progress.total}`, failedTotal: progress.failed, imagesPerSecond: Number((windowImages / seconds).toFixed(2)) },
          "Tagged batch",
        );
        if (unsaved > 0 && Date.now() - lastSave >= (options.saveEveryMs ?? DEFAULT_SAVE_EVERY_MS)) {
          await saveIndex("periodic");
          lastSave = Date.now();
          unsaved = 0;
        }
        continue;
      }
      if (unsaved > 0) {
        await saveIndex("queue empty");
        lastSave = Date.now();
        unsaved = 0;
      }
      // Pick up images imported or changed while the worker runs.
      await enqueueUntaggedImages(options.database, model.modelId).catch((error: unknown) => log.warn({ err: error }, "Enqueueing untagged images failed"));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
      windowStart = performance.now();
      windowImages = 0;
    }
  };

  const stopped = loop();
  const worker: VisionWorker = {
    workerId,
    modelId: model.modelId,
    backend: pool.backend,
    index,
    queryPort: server.port,
    context,
    stopped,
    async stop() {
      stopping = true;
      wake?.();
      await stopped;
      const released = await releaseJobs(options.database.prisma, workerId);
      if (released > 0) log.info({ released }, "Released unfinished jobs");
      await server.close();
      await saveIndex("shutdown");
      await pool.close();
      model.dispose();
    },
  };
  return worker;
}
