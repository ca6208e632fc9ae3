/**
 * The loop of the import worker process (workers/import-worker.ts): claims
 * one "import-upload" job at a time, runs it with runUploadImport while
 * extending the job's lease, and records the outcome on the job and its
 * batch. A stop request (SIGTERM) interrupts the running import between
 * chunks and hands the job back to the queue, so another worker or the next
 * start resumes it.
 */
import { setTimeout as sleep } from "node:timers/promises";

import type { Database } from "../db/client";
import { claimJobs, completeJob, failJob, heartbeat, releaseJobs, type ClaimedJob } from "../jobs";
import { logger } from "../logger";
import {
  isPermanentImportError,
  markUploadFailed,
  requeueUpload,
  runUploadImport,
  type UploadImportOptions,
  type UploadImportResult,
} from "./import-job";
import { IMPORT_UPLOAD_JOB, importUploadPayloadSchema } from "./job";

/** Wait between two claims while the queue is empty. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** Lease of a running import; the heartbeat renews it every third of this. */
export const DEFAULT_LEASE_MS = 60_000;

export interface ImportWorkerOptions {
  database: Database;
  /** Identifies this process in job leases. */
  workerId: string;
  /** Aborting it stops the worker: the running import is interrupted and its job released. */
  signal: AbortSignal;
  pollIntervalMs?: number;
  leaseMs?: number;
  /** Return once the queue is empty instead of waiting for more jobs. */
  untilEmpty?: boolean;
  /** Folders and limits for the imports; the configured defaults otherwise. */
  importOptions?: Omit<UploadImportOptions, "database" | "batchId" | "signal">;
  /** The import to run; runUploadImport by default. */
  runImport?: (options: UploadImportOptions) => Promise<UploadImportResult>;
}

/** Runs jobs until `signal` aborts (or, with untilEmpty, the queue is empty); returns the number of jobs it handled. */
export async function runImportWorker(options: ImportWorkerOptions): Promise<number> {
  const { database, workerId, signal } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  let handled = 0;

  logger.info({ workerId, jobType: IMPORT_UPLOAD_JOB }, "import worker started");
  try {
    while (!signal.aborted) {
      const [job] = await claimJobs(database.prisma, database.provider, { workerId, types: [IMPORT_UPLOAD_JOB], limit: 1, leaseMs });
      if (!job) {
        if (options.untilEmpty) break;
        await sleep(pollIntervalMs, undefined, { signal }).catch(() => undefined);
        continue;
      }
      await handleJob(job, options, leaseMs);
      handled += 1;
    }
  } finally {
    // Nothing should be left running under this id; releasing is a safety net after an unexpected error.
    const released = await releaseJobs(database.prisma, workerId).catch((error: unknown) => {
      logger.error({ err: error, workerId }, "import worker could not release its jobs");
      return 0;
    });
    logger.info({ workerId, handled, released }, "import worker stopped");
  }
  return handled;
}

async function handleJob(job: ClaimedJob, options: ImportWorkerOptions, leaseMs: number): Promise<void> {
  const { database, workerId } = options;
  const payload = importUploadPayloadSchema.safeParse(job.payload);
  if (!payload.success) {
    logger.error({ jobId: job.id, payload: job.payload }, "import job has an invalid payload; failing it");
    await failJob(database.prisma, workerId, job.id, new Error(`Invalid payload: ${payload.error.message}`), { permanent: true });
    return;
  }
  const { batchId } = payload.data;

  const controller = new AbortController();
  let leaseLost = false;
  const stop = () => controller.abort(new Error("The import worker is stopping"));
  options.signal.addEventListener("abort", stop, { once: true });
  const timer = setInterval(() => {
    void heartbeat(database.prisma, workerId, [job.id], leaseMs).then(
      (kept) => {
        if (kept.includes(job.id)) return;
        leaseLost = true;
        controller.abort(new Error(`The lease of job ${job.id} was lost`));
      },
      (error: unknown) => logger.warn({ err: error, jobId: job.id }, "import job heartbeat failed; retrying at the next beat"),
    );
  }, Math.max(1_000, Math.floor(leaseMs / 3)));

  logger.info({ jobId: job.id, batchId, attempt: job.attempts, maxAttempts: job.maxAttempts }, "import job claimed");
  try {
    await (options.runImport ?? runUploadImport)({ ...options.importOptions, database, batchId, signal: controller.signal });
    const completed = await completeJob(database.prisma, workerId, job.id);
    if (!completed) logger.warn({ jobId: job.id, batchId }, "import finished, but the job's lease had passed to another worker");
  } catch (error) {
    await recordFailure(job, batchId, error, { ...options, leaseLost, aborted: controller.signal.aborted });
  } finally {
    clearInterval(timer);
    options.signal.removeEventListener("abort", stop);
  }
}

async function recordFailure(
  job: ClaimedJob,
  batchId: number,
  error: unknown,
  context: ImportWorkerOptions & { leaseLost: boolean; aborted: boolean },
): Promise<void> {
  const { database, workerId } = context;
  if (context.leaseLost) {
    logger.warn({ jobId: job.id, batchId }, "import stopped: another worker took over its job");
    return;
  }
  if (context.aborted) {
    await requeueUpload(database, batchId, null);
    await releaseJobs(database.prisma, workerId, [job.id]);
    logger.info({ jobId: job.id, batchId }, "import interrupted by shutdown; job released for a later run");
    return;
  }

  const message = error instanceof Error ? error.message : String(error);
  const permanent = isPermanentImportError(error);
  const result = await failJob(database.prisma, workerId, job.id, error, { permanent });
  if (result.outcome === "failed") {
    await markUploadFailed(database, batchId, message);
    logger.error({ err: error, jobId: job.id, batchId, attempts: result.attempts, permanent }, "import job failed");
  } else if (result.outcome === "retry") {
    await requeueUpload(database, batchId, `Attempt ${result.attempts} failed and will be retried: ${message}`);
    logger.warn({ err: error, jobId: job.id, batchId, attempts: result.attempts, runAt: result.runAt }, "import job failed; retry scheduled");
  } else {
    logger.warn({ err: error, jobId: job.id, batchId }, "import job failed after its lease passed to another worker");
  }
}
