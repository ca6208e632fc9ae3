/**
 * Leases on queued jobs: claim, heartbeat, complete, fail, release.
 *
 * A claim sets status "running", `leaseOwner` to the worker id and
 * `leaseExpiresAt` to now + leaseMs, and counts an attempt. Every later write
 * checks that the caller still owns the lease (`leaseOwner` and status
 * "running"), so a worker whose lease expired and was taken over cannot
 * complete, fail or extend the job any more. Times come from the caller's
 * clock, so workers on several hosts need synchronised clocks.
 */
import type { Db } from "../db/client";
import type { DatabaseProvider } from "../db/config";
import { Prisma } from "../generated/sqlite/client";
import { retryDelayMs } from "./retry";
import type { ClaimedJob, ClaimOptions, FailOptions, FailResult } from "./types";

/** Maximum length of the error text stored in Job.lastError and ProductImage.error, in characters. */
const MAX_ERROR_LENGTH = 2_000;

const LEASE_EXPIRED_ON_LAST_ATTEMPT =
  "Lease expired on the last attempt: the worker stopped sending heartbeats, probably because it crashed or was killed";

/** Thrown inside `withJobTransaction` when the worker no longer owns the job; the transaction is rolled back. */
export class JobLeaseLostError extends Error {
  constructor(
    readonly jobId: number,
    readonly workerId: string,
  ) {
    super(`Job ${jobId} is no longer leased to worker "${workerId}": its lease expired and another worker may have claimed it`);
    this.name = "JobLeaseLostError";
  }
}

/**
 * Claims up to `limit` jobs of the given types, highest priority first, then
 * earliest runAt, then lowest id. Claimable are queued jobs whose runAt has
 * passed and running jobs whose lease has expired, which hands the job of a
 * dead or stalled worker to this one. Before claiming, running jobs whose
 * lease expired on their last attempt are marked "failed", and so is their
 * image.
 *
 * The claim is one statement, so no two workers get the same job. On
 * PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED, so
 * concurrent claimers skip each other's rows instead of waiting. On SQLite
 * the UPDATE takes the database write lock before it reads, which serialises
 * claimers across connections and processes. Busy waits are bounded by the
 * connection's busy timeout.
 */
export async function claimJobs(db: Db, provider: DatabaseProvider, options: ClaimOptions): Promise<ClaimedJob[]> {
  validateClaimOptions(options);
  const now = options.now ?? new Date();
  const leaseExpiresAt = new Date(now.getTime() + options.leaseMs);

  await failExhaustedLeases(db, options.types, now);

  // On SQLite, timestamps are ISO-8601 text in the Prisma adapter's single
  // format (see upsertJobs), so comparing them as text orders them by time.
  const types = Prisma.join([...options.types]);
  const claimable = Prisma.sql`"type" IN (${types})
    AND (("status" = 'queued' AND "runAt" <= ${now})
      OR ("status" = 'running' AND "leaseExpiresAt" <= ${now} AND "attempts" < "maxAttempts"))`;
  const claimOrder = Prisma.sql`ORDER BY "priority" DESC, "runAt" ASC, "id" ASC`;
  const claim = Prisma.sql`"status" = 'running', "leaseOwner" = ${options.workerId},
    "leaseExpiresAt" = ${leaseExpiresAt}, "attempts" = "attempts" + 1, "updatedAt" = ${now}`;

  // PostgreSQL: a MATERIALIZED CTE (PostgreSQL 12+) is computed once as its
  // own step, so the planner cannot fold the locking subquery into a join that
  // re-runs it and locks more than `limit` rows.
  const claimed =
    provider === "postgresql"
      ? await db.$queryRaw<{ id: number }[]>(Prisma.sql`
          WITH "next" AS MATERIALIZED (
            SELECT "id" FROM "Job" WHERE ${claimable} ${claimOrder} LIMIT ${options.limit} FOR UPDATE SKIP LOCKED
          )
          UPDATE "Job" SET ${claim} FROM "next" WHERE "Job"."id" = "next"."id"
          RETURNING "Job"."id"`)
      : await db.$queryRaw<{ id: number }[]>(Prisma.sql`
          UPDATE "Job" SET ${claim}
          WHERE "id" IN (SELECT "id" FROM "Job" WHERE ${claimable} ${claimOrder} LIMIT ${options.limit})
          RETURNING "id"`);

  if (claimed.length === 0) return [];

  const jobs = await db.job.findMany({
    where: { id: { in: claimed.map((row) => row.id) } },
    orderBy: [{ priority: "desc" }, { runAt: "asc" }, { id: "asc" }],
  });
  return jobs.map((job) => ({
    id: job.id,
    type: job.type,
    payload: parsePayload(job.payload),
    priority: job.priority,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    imageId: job.imageId,
    merchantId: job.merchantId,
    leaseExpiresAt: job.leaseExpiresAt as Date,
    lastError: job.lastError,
  }));
}

/**
 * Extends the lease of each listed job that `workerId` still owns to
 * now + leaseMs and returns the ids it extended. A job missing from the result
 * was taken over by another worker or has finished. The caller should stop
 * work on it and not write its results.
 */
export async function heartbeat(
  db: Db,
  workerId: string,
  jobIds: readonly number[],
  leaseMs: number,
  options: { now?: Date } = {},
): Promise<number[]> {
  if (!(leaseMs > 0)) throw new Error(`Invalid leaseMs ${leaseMs}: use a positive number of milliseconds`);
  if (jobIds.length === 0) return [];

  const now = options.now ?? new Date();
  const leaseExpiresAt = new Date(now.getTime() + leaseMs);
  const rows = await db.$queryRaw<{ id: number }[]>(Prisma.sql`
    UPDATE "Job" SET "leaseExpiresAt" = ${leaseExpiresAt}, "updatedAt" = ${now}
    WHERE "id" IN (${Prisma.join([...jobIds])}) AND "leaseOwner" = ${workerId} AND "status" = 'running'
    RETURNING "id"`);
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

/**
 * Marks the job done if `workerId` still owns it and returns whether it did.
 * False means the lease was taken over (or the job released), and another
 * worker's run now owns the outcome. An expired lease that no other worker
 * has claimed yet is still owned.
 */
export async function completeJob(db: Db, workerId: string, jobId: number, options: { now?: Date } = {}): Promise<boolean> {
  const result = await db.job.updateMany({
    where: { id: jobId, leaseOwner: workerId, status: "running" },
    data: completedJobData(options.now ?? new Date()),
  });
  return result.count === 1;
}

/**
 * Records a failed attempt of a job that `workerId` owns. Before the last
 * attempt the job goes back to "queued" with runAt delayed by
 * `retryDelayMs(attempts)`. After the last attempt, or at once when
 * `options.permanent` is set, the job is marked "failed" and its image, if
 * any, gets status "failed" with the same error. `lastError` keeps the error
 * either way.
 */
export async function failJob(
  db: Db,
  workerId: string,
  jobId: number,
  error: unknown,
  options: FailOptions = {},
): Promise<FailResult> {
  const now = options.now ?? new Date();
  const message = errorMessage(error);

  // Read outside the transaction: on SQLite a transaction that reads before
  // writing can fail with SQLITE_BUSY when it upgrades to a write lock. The
  // `attempts` condition below detects a concurrent change instead.
  const job = await db.job.findFirst({
    where: { id: jobId, leaseOwner: workerId, status: "running" },
    select: { attempts: true, maxAttempts: true, imageId: true },
  });
  if (!job) return { outcome: "not-owned" };

  const owned = { id: jobId, leaseOwner: workerId, status: "running", attempts: job.attempts };

  if (options.permanent || job.attempts >= job.maxAttempts) {
    const failed = await db.$transaction(async (tx) => {
      const updated = await tx.job.updateMany({
        where: owned,
        data: { status: "failed", lastError: message, finishedAt: now, leaseOwner: null, leaseExpiresAt: null },
      });
      if (updated.count === 0) return false;
      if (job.imageId !== null) {
        await tx.productImage.updateMany({ where: { id: job.imageId }, data: { status: "failed", error: message } });
      }
      return true;
    });
    return failed ? { outcome: "failed", attempts: job.attempts } : { outcome: "not-owned" };
  }

  const runAt = new Date(now.getTime() + retryDelayMs(job.attempts, options.retryPolicy));
  const updated = await db.job.updateMany({
    where: owned,
    data: { status: "queued", runAt, lastError: message, leaseOwner: null, leaseExpiresAt: null },
  });
  return updated.count === 1 ? { outcome: "retry", attempts: job.attempts, runAt } : { outcome: "not-owned" };
}

/**
 * Hands the running jobs of `workerId` (all of them, or only `jobIds`) back
 * to the queue for a clean shutdown: status "queued", runnable at once, and
 * the attempt that the claim counted is taken back. Returns how many jobs
 * were released.
 */
export async function releaseJobs(db: Db, workerId: string, jobIds?: readonly number[]): Promise<number> {
  const result = await db.job.updateMany({
    where: {
      leaseOwner: workerId,
      status: "running",
      ...(jobIds ? { id: { in: [...jobIds] } } : {}),
    },
    data: { status: "queued", leaseOwner: null, leaseExpiresAt: null, attempts: { decrement: 1 } },
  });
  return result.count;
}

/**
 * Runs `work` in one transaction with marking the job done, so the job's
 * results commit if and only if the job completes. The transaction first
 * marks the job done, which fails with `JobLeaseLostError` (and writes
 * nothing) when `workerId` no longer owns it, then runs `work`. If `work`
 * throws, everything rolls back and the job stays running under this
 * worker's lease, so the caller should then call `failJob`.
 *
 * Do the slow part (decoding, inference) before calling this: the
 * transaction holds SQLite's single write lock until it commits. Results
 * should still be upserts on unique keys (Embedding and Prediction are unique
 * per image and model), so a job that runs twice writes its rows once.
 */
export async function withJobTransaction<T>(
  db: Db,
  workerId: string,
  jobId: number,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  options: { now?: Date; timeoutMs?: number } = {},
): Promise<T> {
  const now = options.now ?? new Date();
  // Completing first makes the transaction's first statement a write, which
  // takes SQLite's write lock at once (see failJob) and, on PostgreSQL, locks
  // the job row so that no claimer can take it before the commit.
  return db.$transaction(
    async (tx) => {
      const completed = await tx.job.updateMany({
        where: { id: jobId, leaseOwner: workerId, status: "running" },
        data: completedJobData(now),
      });
      if (completed.count === 0) throw new JobLeaseLostError(jobId, workerId);
      return work(tx);
    },
    { timeout: options.timeoutMs ?? 30_000 },
  );
}

function completedJobData(now: Date) {
  return { status: "done", finishedAt: now, leaseOwner: null, leaseExpiresAt: null };
}

/**
 * Marks running jobs whose lease expired on their last attempt as failed,
 * together with their images. Without this step such a job would never be
 * claimed again and would stay "running" forever.
 */
async function failExhaustedLeases(db: Db, types: readonly string[], now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    const failed = await tx.$queryRaw<{ id: number; imageId: number | null }[]>(Prisma.sql`
      UPDATE "Job" SET "status" = 'failed', "lastError" = ${LEASE_EXPIRED_ON_LAST_ATTEMPT}, "finishedAt" = ${now},
        "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ${now}
      WHERE "type" IN (${Prisma.join([...types])}) AND "status" = 'running'
        AND "leaseExpiresAt" <= ${now} AND "attempts" >= "maxAttempts"
      RETURNING "id", "imageId"`);

    const imageIds = failed.map((job) => job.imageId).filter((id): id is number => id !== null);
    if (imageIds.length > 0) {
      await tx.productImage.updateMany({
        where: { id: { in: imageIds } },
        data: { status: "failed", error: LEASE_EXPIRED_ON_LAST_ATTEMPT },
      });
    }
  });
}

function validateClaimOptions(options: ClaimOptions): void {
  if (options.workerId.trim().length === 0) throw new Error("Invalid workerId: it must be a non-empty string");
  if (options.types.length === 0) throw new Error("Invalid types: list at least one job type to claim");
  if (!Number.isSafeInteger(options.limit) || options.limit < 1) {
    throw new Error(`Invalid limit ${options.limit}: use an integer of at least 1`);
  }
  if (!(options.leaseMs > 0)) throw new Error(`Invalid leaseMs ${options.leaseMs}: use a positive number of milliseconds`);
}

/** Parses the stored JSON payload. Text that is not valid JSON is returned as is, for the worker's validation to reject. */
function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
