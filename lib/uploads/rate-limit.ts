/**
 * Upload limits per merchant: a sliding window of upload requests and a cap
 * on uploads that are queued or importing at once. Like every limiter in
 * lib/auth/rate-limit.ts, the window counts per web process.
 */
import { SlidingWindowLimiter, type RateLimitRule } from "../auth/rate-limit";
import type { Db } from "../db/client";

/** Upload requests per merchant per hour, rejected ones included. */
export const UPLOADS_PER_MERCHANT: RateLimitRule = { limit: 20, windowMs: 60 * 60_000 };

/** Uploads of one merchant that may be queued or running at the same time. */
export const MAX_ACTIVE_UPLOADS = 3;

// One limiter per process, kept across Next.js dev reloads.
const globalForLimiter = globalThis as unknown as { stylelensUploadLimiter?: SlidingWindowLimiter };

export function uploadLimiter(): SlidingWindowLimiter {
  globalForLimiter.stylelensUploadLimiter ??= new SlidingWindowLimiter(UPLOADS_PER_MERCHANT);
  return globalForLimiter.stylelensUploadLimiter;
}

export async function countActiveUploads(db: Pick<Db, "importBatch">, merchantId: number): Promise<number> {
  return db.importBatch.count({ where: { merchantId, source: "upload", status: { in: ["queued", "running"] } } });
}
