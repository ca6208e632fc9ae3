/**
 * Reads the progress of an upload's import from the database on every
 * request, so a reloaded page continues where it was. Row counters come from
 * the ImportBatch and rejected files from the file outcomes. Image states come
 * from the ProductImage rows of the batch's products, which the vision worker
 * later sets to "tagged" or "failed". The job adds its attempts.
 */
import { getMerchantImportBatch, merchantScope, type Actor } from "../auth/tenancy";
import type { BatchStatus } from "../catalogue/types";
import type { Database } from "../db/client";
import { Prisma } from "../generated/sqlite/client";
import { FILE_OUTCOME_ROW } from "./file-outcomes";
import { importUploadJobKey } from "./job";
import type { UploadProgress } from "./progress-view";

export type { UploadProgress } from "./progress-view";
export { rowsPercent, taggingPercent } from "./progress-view";

/** Returns the progress, or undefined when the batch does not exist or belongs to another shop. */
export async function getUploadProgress(database: Database, actor: Actor, batchId: number): Promise<UploadProgress | undefined> {
  const { prisma } = database;
  const batch = await getMerchantImportBatch(prisma, actor, batchId);
  if (!batch) return undefined;

  const [rejectedFiles, imageCounts, job] = await Promise.all([
    prisma.importRowOutcome.count({ where: { batchId, rowNumber: FILE_OUTCOME_ROW } }),
    countImagesByStatus(database, batchId),
    prisma.job.findFirst({
      where: { dedupeKey: importUploadJobKey(batchId), ...merchantScope(actor) },
      select: { id: true, status: true, attempts: true, maxAttempts: true, lastError: true },
    }),
  ]);

  const processed = batch.imported + batch.updated + batch.unchanged + batch.skipped;
  return {
    id: batch.id,
    source: batch.source,
    status: batch.status as BatchStatus,
    error: batch.error,
    createdAt: batch.createdAt.toISOString(),
    startedAt: batch.startedAt?.toISOString() ?? null,
    finishedAt: batch.finishedAt?.toISOString() ?? null,
    rows: {
      total: batch.rowsTotal,
      processed,
      imported: batch.imported,
      updated: batch.updated,
      unchanged: batch.unchanged,
      skipped: batch.skipped,
    },
    files: { rejected: rejectedFiles },
    images: imageCounts,
    job,
  };
}

async function countImagesByStatus(database: Database, batchId: number): Promise<UploadProgress["images"]> {
  const rows = await database.prisma.$queryRaw<{ status: string; count: bigint | number }[]>(Prisma.sql`
    SELECT i."status" AS "status", COUNT(*) AS "count"
    FROM "ProductImage" i
    JOIN "ImportRowOutcome" o ON o."productId" = i."productId"
    WHERE o."batchId" = ${batchId} AND o."outcome" <> 'skipped' AND i."position" = 0
    GROUP BY i."status"`);

  const counts = { total: 0, pending: 0, processing: 0, tagged: 0, failed: 0 };
  for (const row of rows) {
    const count = Number(row.count);
    counts.total += count;
    if (row.status in counts && row.status !== "total") counts[row.status as keyof typeof counts] += count;
  }
  return counts;
}
