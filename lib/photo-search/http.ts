/**
 * The HTTP side of POST /api/search/photo and GET /api/products/{id}/similar.
 * Route files pass the request in; the worker is reached through ./client.
 */
import type { Database } from "../db/client";
import { logger } from "../logger";
import { getFacetIndex } from "../search/facet-index-cache";
import { filterAndCount } from "../search/facet-filter";
import { fetchHits } from "../search/hits";
import { safeParseSearchRequest } from "../search/request";
import type { Facet } from "../search/types";
import { findSimilarProducts, searchByPhoto, WorkerRequestError, WorkerUnavailableError, type WorkerSearchResult } from "./client";
import { checkPhoto, MAX_PHOTO_BYTES } from "./upload";

export const DEFAULT_PHOTO_HITS = 24;
export const MAX_PHOTO_HITS = 100;

/** Room for the multipart boundaries and the other fields around the image, in bytes. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface PhotoSearchHit {
  productId: number;
  sku: string;
  title: string;
  /** Cosine similarity of the photo's and the product's embeddings, at most 1. */
  score: number;
  /** Thumbnail of the product's main photo, or null when it has none. */
  imageUrl: string | null;
}

export interface PhotoSearchResponse {
  hits: PhotoSearchHit[];
  modelId: string;
  tookMs: number;
}

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

function workerDown(): Response {
  return errorResponse(503, "worker_unavailable", "Photo search is unavailable while the vision worker is down. Try again in a minute, or use keyword search.");
}

/**
 * Handles a multipart photo search: field `image` (the photo), optional `k`
 * (1-100, default 24) and facet filters with the names and values of keyword
 * search, as form fields or URL parameters.
 */
export async function handlePhotoSearch(request: Request, database: () => Database): Promise<Response> {
  const started = performance.now();
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > MAX_PHOTO_BYTES + MULTIPART_OVERHEAD_BYTES) {
    return errorResponse(413, "image_too_large", `The request is ${declaredLength} bytes; photos of up to ${MAX_PHOTO_BYTES} bytes are accepted.`);
  }

  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return errorResponse(400, "missing_image", "Send the photo as multipart/form-data in the field \"image\".");
  }
  const image = form.get("image");
  if (!(image instanceof Blob)) return errorResponse(400, "missing_image", "Missing field \"image\": attach the photo to search with.");
  if (image.size > MAX_PHOTO_BYTES) {
    return errorResponse(413, "image_too_large", `The image is ${image.size} bytes; photos of up to ${MAX_PHOTO_BYTES} bytes are accepted.`);
  }
  const bytes = new Uint8Array(await image.arrayBuffer());
  const checked = await checkPhoto(bytes);
  if (!checked.ok) return errorResponse(checked.status, checked.code, checked.message);

  const params = new URLSearchParams(new URL(request.url).searchParams);
  for (const [name, value] of form.entries()) {
    if (name !== "image" && typeof value === "string") params.append(name, value);
  }
  const kText = params.get("k");
  params.delete("k");
  const k = kText === null || kText === "" ? DEFAULT_PHOTO_HITS : Number(kText);
  if (!Number.isInteger(k) || k < 1 || k > MAX_PHOTO_HITS) {
    return errorResponse(400, "invalid_request", `Invalid k "${kText}": use a whole number from 1 to ${MAX_PHOTO_HITS}.`);
  }
  const parsed = safeParseSearchRequest(params);
  if (!parsed.success) return errorResponse(400, "invalid_request", parsed.issues.map((issue) => issue.message).join(" "));

  try {
    const db = database();
    const allowedProductIds = await productsMatchingFilters(db, parsed.request.filters);
    if (allowedProductIds !== null && allowedProductIds.length === 0) {
      return Response.json({ hits: [], modelId: null, tookMs: Math.round(performance.now() - started) });
    }
    const result = await searchByPhoto({ image: bytes, k, allowedProductIds });
    const body: PhotoSearchResponse = { ...(await toHits(db, result)), tookMs: Math.round(performance.now() - started) };
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof WorkerUnavailableError) return workerDown();
    if (error instanceof WorkerRequestError) {
      let status = 400;
      if (error.status === 422) status = 422;
      else if (error.status >= 500) status = 502;
      if (status === 502) logger.error({ err: error }, "Photo search failed in the vision worker");
      return errorResponse(status, status === 422 ? "unsupported_image" : "worker_error", error.message);
    }
    logger.error({ err: error }, "Photo search failed");
    return errorResponse(500, "internal_error", "Photo search failed unexpectedly; the server log records the cause.");
  }
}

/** Handles GET /api/products/{id}/similar?k=: products whose main photo looks most like this one's. */
export async function handleSimilarProducts(request: Request, productIdText: string, database: () => Database): Promise<Response> {
  const productId = Number(productIdText);
  if (!Number.isInteger(productId) || productId < 1) return errorResponse(400, "invalid_request", `Invalid product id "${productIdText}".`);
  const kText = new URL(request.url).searchParams.get("k") ?? "8";
  const k = Number(kText);
  if (!Number.isInteger(k) || k < 1 || k > MAX_PHOTO_HITS) {
    return errorResponse(400, "invalid_request", `Invalid k "${kText}": use a whole number from 1 to ${MAX_PHOTO_HITS}.`);
  }
  try {
    const result = await findSimilarProducts(productId, k);
    if (!result) return errorResponse(404, "not_found", `Product ${productId} does not exist or has not been tagged yet.`);
    return Response.json(await toHits(database(), result), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof WorkerUnavailableError) return workerDown();
    logger.error({ err: error, productId }, "Similar products request failed");
    return errorResponse(502, "worker_error", error instanceof Error ? error.message : String(error));
  }
}

/** Product ids that pass the facet filters, or null when there are no filters (everything passes). */
export async function productsMatchingFilters(database: Database, filters: Partial<Record<Facet, readonly string[]>>): Promise<number[] | null> {
  if (!Object.values(filters).some((values) => values && values.length > 0)) return null;
  const index = await getFacetIndex(database);
  const { matches } = filterAndCount(index, index.allProducts(), filters);
  return Array.from(matches.toArray(), (position) => index.productIds[position]!);
}

/** Adds the display fields; products unpublished since they were indexed drop out. */
export async function toHits(database: Database, result: WorkerSearchResult): Promise<{ hits: PhotoSearchHit[]; modelId: string; tookMs: number }> {
  const details = await fetchHits(
    database,
    result.hits.map((hit) => hit.productId),
  );
  const scores = new Map(result.hits.map((hit) => [hit.productId, hit.score]));
  return {
    hits: details.map((detail) => ({
      productId: detail.id,
      sku: detail.sku,
      title: detail.title,
      score: Number(scores.get(detail.id)!.toFixed(4)),
      imageUrl: detail.thumbnailUrl,
    })),
    modelId: result.modelId,
    tookMs: result.tookMs,
  };
}
