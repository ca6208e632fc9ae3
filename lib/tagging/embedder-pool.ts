import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

import type { Logger } from "pino";

import type { BackboneConfig } from "../vision/backbone-config";
import type { BackendName } from "../vision/tf-backend";

/**
 * A pool of worker threads that each hold TensorFlow.js and the backbone.
 * The wasm backend is single-threaded in Node (tfjs 4.22), so one thread per
 * core is how the worker uses every core. Requests queue in two priorities:
 * shopper queries ("query") go before tagging batches ("batch").
 */

export interface ImageEmbedding {
  /** Pooled backbone output, `dimension` values. */
  embedding: Float32Array;
  /** See colourFeatures in lib/vision/colour-features.ts. */
  colourFeatures: Float32Array;
}

export type EmbedResult = ImageEmbedding | { error: string };

/** Messages between the pool and ./embed-thread.ts. */
export interface EmbedThreadInit {
  backbone: BackboneConfig;
  backend?: BackendName;
}
export interface EmbedThreadReady {
  ready: true;
  backend: BackendName;
  backboneId: string;
  dimension: number;
}
export interface EmbedThreadRequest {
  requestId: number;
  /** File paths or encoded image bytes. */
  inputs: (string | Uint8Array)[];
  /** Rejects truncated images, as for shoppers' photo queries. */
  rejectTruncated: boolean;
}
export interface EmbedThreadResponse {
  requestId: number;
  /** One entry per input, in order: the embedding or why the image could not be embedded. */
  results: EmbedResult[];
  /** tf.memory().numTensors in the thread after the request; constant from request to request unless tensors leak. */
  numTensors: number;
}

export type EmbedPriority = "query" | "batch";

export interface EmbedderPoolOptions {
  backbone: BackboneConfig;
  threads: number;
  /** Forces a backend in every thread (tests); default: the fastest available. */
  backend?: BackendName;
  logger?: Logger;
}

export interface EmbedderPool {
  readonly backend: BackendName;
  readonly backboneId: string;
  readonly dimension: number;
  readonly threads: number;
  /** Embeds images on one thread. A request fails only when its thread dies; a bad image gets an `error` entry. */
  embed(inputs: (string | Uint8Array)[], priority: EmbedPriority): Promise<EmbedThreadResponse>;
  /** Terminates every thread; requests still queued are rejected. */
  close(): Promise<void>;
}

const THREAD_PATH = path.resolve(import.meta.dirname, "embed-thread.ts");

// Node 20 does not pass the parent's tsx loader to worker threads, so the
// thread registers tsx itself before importing its TypeScript module.
const THREAD_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(THREAD_PATH).href)}); })`;

interface QueuedRequest {
  inputs: (string | Uint8Array)[];
  priority: EmbedPriority;
  resolve: (response: EmbedThreadResponse) => void;
  reject: (error: Error) => void;
}

interface PoolThread {
  worker: Worker;
  busy: QueuedRequest | null;
}

/** Starts `threads` worker threads and resolves once each has loaded the backbone. */
export async function startEmbedderPool(options: EmbedderPoolOptions): Promise<EmbedderPool> {
  if (!Number.isInteger(options.threads) || options.threads < 1) {
    throw new Error(`Invalid thread count ${options.threads}: use a whole number of at least 1`);
  }
  const queues: Record<EmbedPriority, QueuedRequest[]> = { query: [], batch: [] };
  const threads: PoolThread[] = [];
  let nextRequestId = 0;
  let closed = false;

  const dispatch = (): void => {
    for (const thread of threads) {
      if (thread.busy) continue;
      const request = queues.query.shift() ?? queues.batch.shift();
      if (!request) return;
      thread.busy = request;
      // Queries are shoppers' uploads, which can arrive cut off; catalogue images passed the import's decoding check.
      const message: EmbedThreadRequest = { requestId: nextRequestId++, inputs: request.inputs, rejectTruncated: request.priority === "query" };
      thread.worker.postMessage(message);
    }
  };

  const startThread = (index: number): Promise<EmbedThreadReady> =>
    new Promise((resolve, reject) => {
      const init: EmbedThreadInit = { backbone: options.backbone, backend: options.backend };
      const worker = new Worker(THREAD_BOOTSTRAP, { eval: true, workerData: init });
      const thread: PoolThread = { worker, busy: null };
      let ready = false;
      worker.on("message", (message: EmbedThreadReady | EmbedThreadResponse) => {
        if ("ready" in message) {
          ready = true;
          threads.push(thread);
          resolve(message);
          dispatch();
          return;
        }
        const request = thread.busy;
        thread.busy = null;
        request?.resolve(message);
        dispatch();
      });
      worker.on("error", (error) => {
        options.logger?.error({ err: error, thread: index }, "Embedding thread failed");
        if (!ready) reject(error);
        thread.busy?.reject(error);
        thread.busy = null;
      });
      worker.on("exit", (code) => {
        const position = threads.indexOf(thread);
        if (position >= 0) threads.splice(position, 1);
        const error = new Error(`Embedding thread ${index} exited with code ${code}`);
        thread.busy?.reject(error);
        thread.busy = null;
        if (!ready) reject(error);
        if (!closed) options.logger?.error({ thread: index, code }, "Embedding thread exited");
        if (!closed && threads.length === 0) {
          for (const queued of [...queues.query.splice(0), ...queues.batch.splice(0)]) queued.reject(error);
        }
      });
    });

  const readies = await Promise.all(Array.from({ length: options.threads }, (_, index) => startThread(index)));
  const first = readies[0]!;

  return {
    backend: first.backend,
    backboneId: first.backboneId,
    dimension: first.dimension,
    threads: options.threads,
    embed(inputs, priority) {
      if (closed || threads.length === 0) return Promise.reject(new Error("The embedder pool is closed: no thread can run the request"));
      return new Promise((resolve, reject) => {
        queues[priority].push({ inputs, priority, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      const error = new Error("The embedder pool was closed before the request ran");
      for (const queued of [...queues.query.splice(0), ...queues.batch.splice(0)]) queued.reject(error);
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
    },
  };
}
