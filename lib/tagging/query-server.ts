import http from "node:http";
import type { AddressInfo } from "node:net";

import type { Logger } from "pino";

import type { Database } from "../db/client";
import { decodeVector, type VectorIndex } from "../vector-index";
import type { BackendName } from "../vision/tf-backend";
import type { EmbedderPool } from "./embedder-pool";

/**
 * The worker's query server, bound to 127.0.0.1 and called only by the web
 * server's route handlers (lib/photo-search/). Routes:
 *
 *   POST /embed-search   JSON { image: base64 bytes, k, allowedProductIds? } -> { hits, modelId, tookMs }
 *   GET  /similar/:id?k= -> { hits, modelId, tookMs }, the product itself left out
 *   GET  /health         -> { modelId, backend, indexed, threads }
 *
 * Hits are { productId, score } with score the cosine similarity. Searches
 * and inserts never overlap on the index: both are synchronous hnswlib calls
 * on this one JavaScript thread (inserts run inside the index's write lock).
 */

export const DEFAULT_WORKER_PORT = 3101;

/** Largest request body, in bytes: a 10 MiB image grows by a third as base64, plus up to ~1 MiB of product ids. */
export const MAX_QUERY_BODY_BYTES = 16 * 1024 * 1024;

export const MAX_K = 100;

export interface QueryServerOptions {
  database: Database;
  pool: EmbedderPool;
  index: VectorIndex;
  modelId: string;
  backend: BackendName;
  logger: Logger;
  port: number;
  /** Default 127.0.0.1; the server has no authentication, so keep it on loopback. */
  host?: string;
}

export interface QueryServer {
  readonly port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startQueryServer(options: QueryServerOptions): Promise<QueryServer> {
  const server = http.createServer((request, response) => {
    route(options, request).then(
      (body) => send(response, 200, body),
      (error: unknown) => {
        if (error instanceof HttpError) {
          send(response, error.status, { error: error.message });
          return;
        }
        options.logger.error({ err: error, method: request.method, url: request.url }, "Query failed");
        send(response, 500, { error: "The query failed inside the vision worker; see its log" });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ host: options.host ?? "127.0.0.1", port }, "Query server listening");
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(options: QueryServerOptions, request: http.IncomingMessage): Promise<unknown> {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  if (request.method === "GET" && url.pathname === "/health") {
    return { modelId: options.modelId, backend: options.backend, indexed: options.index.size, threads: options.pool.threads };
  }
  if (request.method === "POST" && url.pathname === "/embed-search") {
    return embedSearch(options, await readJson(request));
  }
  const similar = /^\/similar\/(\d+)$/.exec(url.pathname);
  if (request.method === "GET" && similar) {
    return similarProducts(options, Number(similar[1]), parseK(url.searchParams.get("k") ?? "10"));
  }
  throw new HttpError(404, `No route for ${request.method} ${url.pathname}`);
}

async function embedSearch(options: QueryServerOptions, body: unknown): Promise<unknown> {
  const started = performance.now();
  const { image, k, allowedProductIds } = (body ?? {}) as { image?: unknown; k?: unknown; allowedProductIds?: unknown };
  if (typeof image !== "string" || image.length === 0) throw new HttpError(400, "Missing image: send its bytes as base64 in \"image\"");
  const limit = parseK(String(k ?? 10));
  let allowed: Set<number> | null = null;
  if (allowedProductIds !== undefined && allowedProductIds !== null) {
    if (!Array.isArray(allowedProductIds) || !allowedProductIds.every((id) => Number.isInteger(id))) {
      throw new HttpError(400, "Invalid allowedProductIds: use an array of product ids");
    }
    allowed = new Set(allowedProductIds as number[]);
  }

  const embedded = await options.pool.embed([Buffer.from(image, "base64")], "query");
  const result = embedded.results[0]!;
  if ("error" in result) {
    throw new HttpError(422, `The image could not be decoded: ${result.error}. The file may be cut off or damaged: upload the complete photo again.`);
  }

  const hits = search(options.index, result.embedding, limit, allowed ? (label) => allowed.has(label) : undefined);
  return { hits, modelId: options.modelId, tookMs: Math.round(performance.now() - started) };
}

async function similarProducts(options: QueryServerOptions, productId: number, k: number): Promise<unknown> {
  const started = performance.now();
  const image = await options.database.prisma.productImage.findFirst({
    // Deleted and draft products have no similar items, as their pages do not exist for shoppers.
    where: { productId, product: { status: "published" }, embeddings: { some: { modelId: options.modelId } } },
    orderBy: { position: "asc" },
    select: { embeddings: { where: { modelId: options.modelId }, select: { vector: true, dimension: true } } },
  });
  const embedding = image?.embeddings[0];
  if (!embedding) throw new HttpError(404, `Product ${productId} is not published or has no embedding from model ${options.modelId} yet`);

  const vector = decodeVector(embedding.vector, embedding.dimension);
  const hits = search(options.index, vector, k, (label) => label !== productId);
  return { hits, modelId: options.modelId, tookMs: Math.round(performance.now() - started) };
}

function search(index: VectorIndex, vector: Float32Array, k: number, filter?: (label: number) => boolean) {
  return index.search(vector, k, { filter }).map((hit) => ({ productId: hit.label, score: hit.score }));
}

function parseK(text: string): number {
  const k = Number(text);
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new HttpError(400, `Invalid k "${text}": use a whole number from 1 to ${MAX_K}`);
  return k;
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_QUERY_BODY_BYTES) throw new HttpError(413, `Request body is larger than ${MAX_QUERY_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "Invalid JSON body");
  }
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
