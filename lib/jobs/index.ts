/**
 * Database-backed job queue on the Job table. The same code runs on SQLite
 * and PostgreSQL. A worker loop looks like this:
 *
 *   const jobs = await claimJobs(db, provider, { workerId, types: [TAG_IMAGE_JOB], limit: 8, leaseMs: 60_000 });
 *   // heartbeat(db, workerId, ids, 60_000) every ~20 s while the batch runs
 *   // per job: compute, then withJobTransaction(db, workerId, job.id, (tx) => upsert results)
 *   // on error: failJob(db, workerId, job.id, error); on SIGTERM: releaseJobs(db, workerId)
 */
export { DEFAULT_MAX_ATTEMPTS, enqueueImageTagging, enqueueJob, type EnqueueImageTaggingResult } from "./enqueue";
export { claimJobs, completeJob, failJob, heartbeat, JobLeaseLostError, releaseJobs, withJobTransaction } from "./lease";
export { DEFAULT_RETRY_POLICY, retryDelayMs } from "./retry";
export { countJobsByStatus } from "./stats";
export * from "./types";
