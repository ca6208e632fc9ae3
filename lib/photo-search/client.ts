/**
 * Client of the vision worker's query server (lib/tagging/query-server.ts)
 * for route handlers and server components. The wire format stays here.
 */
import { workerUrl } from "./config";

export interface WorkerHit {
  productId: number;
  /** Cosine similarity of the embeddings, at most 1. */
  score: number;
}

export interface WorkerSearchResult {
  hits: WorkerHit[];
  modelId: string;
  tookMs: number;
}

export interface WorkerHealth {
  modelId: string;
  backend: string;
  indexed: number;
  threads: number;
}

/** The worker is not running, not reachable, or timed out. */
export class WorkerUnavailableError extends Error {
  constructor(cause: unknown) {
    super("Photo search is unavailable while the vision worker is down", { cause });
    this.name = "WorkerUnavailableError";
  }
}

/** The worker rejected the request (`status` 4xx, for bad input) or failed (`status` 502). */
export class WorkerRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "WorkerRequestError";
  }
}

const SEARCH_TIMEOUT_MS = 20_000;
const SIMILAR_TIMEOUT_MS = 3_000;
const HEALTH_TIMEOUT_MS = 1_000;

export interface PhotoQuery {
  image: Uint8Array;
  k: number;
  /** Restricts the hits to these products (the facet filter's matches); null or absent searches everything. */
  allowedProductIds?: readonly number[] | null;
}

export function searchByPhoto(query: PhotoQuery, baseUrl = workerUrl()): Promise<WorkerSearchResult> {
  const body = JSON.stringify({
    image: Buffer.from(query.image).toString("base64"),
    k: query.k,
    allowedProductIds: query.allowedProductIds ?? null,
  });
  return call<WorkerSearchResult>(`${baseUrl}/embed-search`, { method: "POST", body, headers: { "content-type": "application/json" } }, SEARCH_TIMEOUT_MS);
}

/** Returns undefined when the product has no embedding yet (not tagged, or unknown). */
export async function findSimilarProducts(productId: number, k: number, baseUrl = workerUrl()): Promise<WorkerSearchResult | undefined> {
  try {
    return await call<WorkerSearchResult>(`${baseUrl}/similar/${productId}?k=${k}`, { method: "GET" }, SIMILAR_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof WorkerRequestError && error.status === 404) return undefined;
    throw error;
  }
}

/** Returns null when the worker is down. */
export async function readWorkerHealth(baseUrl = workerUrl()): Promise<WorkerHealth | null> {
  try {
    return await call<WorkerHealth>(`${baseUrl}/health`, { method: "GET" }, HEALTH_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof WorkerUnavailableError) return null;
    throw error;
  }
}

async function call<T>(url: string, init: RequestInit, timeoutMs: number): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), cache: "no-store" });
  } catch (error) {
    throw new WorkerUnavailableError(error);
  }
  const body = (await response.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!response.ok) {
    if (response.status >= 500) throw new WorkerRequestError(502, `The vision worker failed: ${body?.error ?? `HTTP ${response.status}`}`);
    throw new WorkerRequestError(response.status, body?.error ?? `The vision worker returned HTTP ${response.status}`);
  }
  if (body === null) throw new WorkerUnavailableError(new Error(`Invalid JSON from ${url}`));
  return body;
}
