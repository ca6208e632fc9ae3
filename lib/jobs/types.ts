import type { JobStatus } from "../catalogue/types";

export type { JobStatus } from "../catalogue/types";

/** Job type of the per-image tagging job; its payload is a `TagImagePayload`. */
export const TAG_IMAGE_JOB = "tag-image";

export interface TagImagePayload {
  imageId: number;
  /** ProductImage.contentHash when the job was enqueued; a worker can skip the job if the image has changed since. */
  contentHash: string;
}

export interface EnqueueJobInput {
  type: string;
  /** Any JSON-serialisable value; stored as JSON text. */
  payload: unknown;
  imageId?: number | null;
  merchantId?: number | null;
  /** Higher runs first. Default 0. */
  priority?: number;
  /** Attempts before the job is marked "failed", counting the first run. Default `DEFAULT_MAX_ATTEMPTS`. */
  maxAttempts?: number;
  /** Earliest time a worker may claim the job. Default now. */
  runAt?: Date;
  /**
   * At most one queued or running job exists per key. Enqueuing a key whose
   * job is queued or running changes nothing. Enqueuing a key whose job is
   * done or failed resets that row to a fresh queued job.
   */
  dedupeKey?: string | null;
}

export interface EnqueueResult {
  jobId: number;
  /** False when a queued or running job with the same dedupe key already existed. */
  enqueued: boolean;
}

/** A claimed job as returned to the worker, with the payload parsed from JSON. */
export interface ClaimedJob {
  id: number;
  type: string;
  payload: unknown;
  priority: number;
  /** Runs so far, including this one. */
  attempts: number;
  maxAttempts: number;
  imageId: number | null;
  merchantId: number | null;
  leaseExpiresAt: Date;
  /** The error of the previous failed attempt, if any. */
  lastError: string | null;
}

export interface ClaimOptions {
  /**
   * Identifies the worker process; leases, heartbeats and completions are
   * checked against it. Use a value unique per process start (for example
   * host, pid and a random suffix), because a restarted worker that reused an
   * id would own its predecessor's leases.
   */
  workerId: string;
  /** Job types this worker runs. */
  types: readonly string[];
  /** Maximum number of jobs to claim. */
  limit: number;
  /** Lease length in ms. A worker must heartbeat well within it, or another worker may take its jobs. */
  leaseMs: number;
  /** Clock override for tests. Default `new Date()`. */
  now?: Date;
}

export interface RetryPolicy {
  /** Delay before the second attempt, in ms; each later retry doubles it. */
  baseDelayMs: number;
  /** Upper bound of the delay before jitter, in ms. */
  maxDelayMs: number;
  /** Fraction of the delay that is randomised, from 0 (none) to 1. */
  jitter: number;
  /** Random source in [0, 1); tests pass a fixed one. */
  random: () => number;
}

export interface FailOptions {
  /** Mark the job failed now, without retrying: for errors another attempt cannot fix (corrupt image, missing file). */
  permanent?: boolean;
  retryPolicy?: Partial<RetryPolicy>;
  now?: Date;
}

export type FailResult =
  | { outcome: "retry"; attempts: number; runAt: Date }
  | { outcome: "failed"; attempts: number }
  /** The worker no longer holds the lease, so nothing was written. */
  | { outcome: "not-owned" };

export type JobCounts = Record<JobStatus, number>;
