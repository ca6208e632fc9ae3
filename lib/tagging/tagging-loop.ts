import { claimJobs, enqueueImageTagging, releaseJobs, TAG_IMAGE_JOB } from "../jobs";
import type { Database } from "../db/client";
import { tagBatch, type BatchOutcome, type TaggingContext } from "./tag-batch";

/** Images per claimed batch: 8 per embedding thread keeps both threads busy without long leases. */
export const IMAGES_PER_THREAD = 8;

/** Pause between claims when the queue is empty, in ms. */
export const IDLE_POLL_MS = 2_000;

export interface TaggingProgress {
  /** Images with status "tagged". */
  tagged: number;
  /** All images. */
  total: number;
  failed: number;
}

/**
 * Enqueues a "tag-image" job for every image that still needs tagging with
 * `modelId` and has no queued or running job: images with status "pending"
 * (new or changed ones, so a first run tags the whole catalogue) and tagged
 * images without an embedding from this model (after a model change).
 * Returns how many jobs were enqueued.
 */
export async function enqueueUntaggedImages(database: Database, modelId: string): Promise<number> {
  const activeJob = { some: { type: TAG_IMAGE_JOB, status: { in: ["queued", "running"] } } };
  const images = await database.prisma.productImage.findMany({
    where: {
      jobs: { none: activeJob.some },
      // Photos of deleted products are never shown, so tagging them would be wasted work.
      product: { status: { not: "deleted" } },
      OR: [{ status: "pending" }, { status: "tagged", embeddings: { none: { modelId } } }],
    },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  if (images.length === 0) return 0;
  const result = await enqueueImageTagging(
    database.prisma,
    images.map((image) => image.id),
  );
  return result.enqueued.length;
}

export async function readTaggingProgress(database: Database): Promise<TaggingProgress> {
  const groups = await database.prisma.productImage.groupBy({ by: ["status"], _count: { _all: true } });
  const count = (status: string) => groups.find((group) => group.status === status)?._count._all ?? 0;
  return { tagged: count("tagged"), total: groups.reduce((sum, group) => sum + group._count._all, 0), failed: count("failed") };
}

/**
 * Claims and tags one batch. Returns null when no job was claimable. When
 * `shouldStop` turns true while the batch is being embedded, the batch is
 * still finished, because its results are one transaction per image away.
 */
export async function tagNextBatch(context: TaggingContext, batchSize: number): Promise<BatchOutcome | null> {
  const jobs = await claimJobs(context.database.prisma, context.database.provider, {
    workerId: context.workerId,
    types: [TAG_IMAGE_JOB],
    limit: batchSize,
    leaseMs: context.leaseMs,
  });
  if (jobs.length === 0) return null;
  try {
    return await tagBatch(context, jobs);
  } catch (error) {
    // An unexpected error (database down, pool closed): hand the batch back so that no job waits for its lease to expire.
    const released = await releaseJobs(context.database.prisma, context.workerId, jobs.map((job) => job.id)).catch(() => 0);
    context.logger.error({ err: error, jobs: jobs.length, released }, "Tagging batch failed; its jobs were released");
    throw error;
  }
}

/** Tags until no job is claimable; for tests and one-shot runs. */
export async function tagUntilIdle(context: TaggingContext, batchSize = IMAGES_PER_THREAD * context.pool.threads): Promise<BatchOutcome> {
  const total: BatchOutcome = { tagged: 0, failed: 0, skipped: 0, lost: 0 };
  for (;;) {
    const outcome = await tagNextBatch(context, batchSize);
    if (!outcome) return total;
    for (const key of Object.keys(total) as (keyof BatchOutcome)[]) total[key] += outcome[key];
  }
}
