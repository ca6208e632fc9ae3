import type { Db } from "../db/client";
import { Prisma } from "../generated/sqlite/client";
import { TAG_IMAGE_JOB, type EnqueueJobInput, type EnqueueResult, type TagImagePayload } from "./types";

/** Attempts before a job is marked failed, counting the first run. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Rows per INSERT. Each row binds 10 parameters, so 500 rows stay far below
 * SQLite's limit of 32,766 bound parameters and PostgreSQL's 65,535.
 */
const INSERT_CHUNK_ROWS = 500;

interface JobRow {
  type: string;
  payload: string;
  priority: number;
  maxAttempts: number;
  runAt: Date;
  merchantId: number | null;
  imageId: number | null;
  dedupeKey: string | null;
}

/**
 * Enqueues one job. With a `dedupeKey` the call is idempotent: while a job
 * with that key is queued or running nothing changes and `enqueued` is false.
 * A done or failed job with that key is reset in place to a fresh queued job
 * (attempts 0, new payload, error cleared), so each key has one row that
 * records its latest run.
 */
export async function enqueueJob(db: Db, input: EnqueueJobInput): Promise<EnqueueResult> {
  const row = toJobRow(input);
  const inserted = await upsertJobs(db, [row], new Date());

  const insertedRow = inserted[0];
  if (insertedRow) return { jobId: insertedRow.id, enqueued: true };

  // The upsert returns no row only when a queued or running job has the key.
  const existing = await db.job.findUnique({ where: { dedupeKey: row.dedupeKey as string }, select: { id: true } });
  if (!existing) {
    throw new Error(`Enqueue of job type "${row.type}" failed: dedupe key "${row.dedupeKey}" neither inserted nor found`);
  }
  return { jobId: existing.id, enqueued: false };
}

export interface EnqueueImageTaggingResult {
  /** Images that got a new or reset "tag-image" job. Their status is now "pending". */
  enqueued: number[];
  /** Images whose job for the same content was already queued or running. */
  alreadyQueued: number[];
  /** Requested ids with no ProductImage row. */
  missing: number[];
}

/**
 * Enqueues a "tag-image" job per image, deduplicated by image and content.
 * The key is `tag-image:<imageId>:<contentHash>`. Re-enqueuing an unchanged
 * image is therefore a no-op while its job is pending, and a changed image
 * gets a job of its own. A job queued for older content still runs, so a
 * worker may compare `payload.contentHash` with the image's current hash to
 * skip it. Images that get a job are set to status "pending" with the error
 * cleared.
 */
export async function enqueueImageTagging(
  db: Db,
  imageIds: readonly number[],
  options: { priority?: number; maxAttempts?: number } = {},
): Promise<EnqueueImageTaggingResult> {
  const result: EnqueueImageTaggingResult = { enqueued: [], alreadyQueued: [], missing: [] };
  const uniqueIds = [...new Set(imageIds)];

  for (let start = 0; start < uniqueIds.length; start += INSERT_CHUNK_ROWS) {
    const chunk = uniqueIds.slice(start, start + INSERT_CHUNK_ROWS);
    const images = await db.productImage.findMany({
      where: { id: { in: chunk } },
      select: { id: true, contentHash: true, product: { select: { merchantId: true } } },
    });
    const found = new Set(images.map((image) => image.id));
    result.missing.push(...chunk.filter((id) => !found.has(id)));
    if (images.length === 0) continue;

    const rows = images.map((image) => {
      const payload: TagImagePayload = { imageId: image.id, contentHash: image.contentHash };
      return toJobRow({
        type: TAG_IMAGE_JOB,
        payload,
        imageId: image.id,
        merchantId: image.product.merchantId,
        priority: options.priority,
        maxAttempts: options.maxAttempts,
        dedupeKey: `${TAG_IMAGE_JOB}:${image.id}:${image.contentHash}`,
      });
    });

    // The INSERT is the transaction's first statement, so on SQLite it takes
    // the write lock at once instead of upgrading a read lock (which fails
    // with SQLITE_BUSY under contention).
    const enqueuedIds = await db.$transaction(async (tx) => {
      const inserted = await upsertJobs(tx, rows, new Date());
      const ids = inserted.map((job) => job.imageId).filter((id): id is number => id !== null);
      if (ids.length > 0) {
        await tx.productImage.updateMany({ where: { id: { in: ids } }, data: { status: "pending", error: null } });
      }
      return new Set(ids);
    });

    for (const image of images) {
      (enqueuedIds.has(image.id) ? result.enqueued : result.alreadyQueued).push(image.id);
    }
  }

  return result;
}

function toJobRow(input: EnqueueJobInput): JobRow {
  if (input.type.trim().length === 0) throw new Error("Invalid job type: it must be a non-empty string");

  const payload = JSON.stringify(input.payload);
  if (payload === undefined) {
    throw new Error(`Invalid payload for job type "${input.type}": it must be JSON-serialisable, not ${typeof input.payload}`);
  }

  const priority = input.priority ?? 0;
  if (!Number.isSafeInteger(priority)) throw new Error(`Invalid priority ${priority}: use an integer`);

  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`Invalid maxAttempts ${maxAttempts}: use an integer of at least 1`);
  }

  if (input.dedupeKey !== undefined && input.dedupeKey !== null && input.dedupeKey.length === 0) {
    throw new Error("Invalid dedupeKey: use a non-empty string or leave it out");
  }

  return {
    type: input.type,
    payload,
    priority,
    maxAttempts,
    runAt: input.runAt ?? new Date(),
    merchantId: input.merchantId ?? null,
    imageId: input.imageId ?? null,
    dedupeKey: input.dedupeKey ?? null,
  };
}

/**
 * Inserts jobs in one statement and returns the rows it inserted or reset.
 * A row whose dedupe key belongs to a done or failed job resets that job. A
 * row whose key belongs to a queued or running job is skipped and not
 * returned. The statement is the same on SQLite and PostgreSQL. Timestamps are
 * bound as Date parameters, so SQLite stores them in the Prisma adapter's
 * ISO-8601 text format, which the claim query compares as text.
 */
async function upsertJobs(
  db: Db | Prisma.TransactionClient,
  rows: readonly JobRow[],
  now: Date,
): Promise<{ id: number; imageId: number | null }[]> {
  const values = rows.map(
    (row) => Prisma.sql`(${row.type}, ${row.payload}, 'queued', ${row.priority}, 0, ${row.maxAttempts}, ${row.runAt},
      ${row.merchantId}, ${row.imageId}, ${row.dedupeKey}, ${now}, ${now})`,
  );

  return db.$queryRaw<{ id: number; imageId: number | null }[]>(Prisma.sql`
    INSERT INTO "Job" ("type", "payload", "status", "priority", "attempts", "maxAttempts", "runAt",
      "merchantId", "imageId", "dedupeKey", "createdAt", "updatedAt")
    VALUES ${Prisma.join(values)}
    ON CONFLICT ("dedupeKey") DO UPDATE SET
      "type" = excluded."type",
      "payload" = excluded."payload",
      "status" = 'queued',
      "priority" = excluded."priority",
      "attempts" = 0,
      "maxAttempts" = excluded."maxAttempts",
      "runAt" = excluded."runAt",
      "leaseOwner" = NULL,
      "leaseExpiresAt" = NULL,
      "lastError" = NULL,
      "finishedAt" = NULL,
      "merchantId" = excluded."merchantId",
      "imageId" = excluded."imageId",
      "updatedAt" = excluded."updatedAt"
    WHERE "Job"."status" IN ('done', 'failed')
    RETURNING "id", "imageId"`);
}
