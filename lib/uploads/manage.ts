/** Deleting an upload: its batch, outcomes, job and files. The imported products stay. */
import fs from "node:fs";

import { merchantScope, type Actor } from "../auth/tenancy";
import { dataDir as defaultDataDir } from "../config";
import type { Database } from "../db/client";
import { logger } from "../logger";
import { importUploadJobKey } from "./job";
import { resolveUploadLocation } from "./paths";

export type DeleteUploadResult = "deleted" | "not_found" | "not_an_upload" | "running";

/**
 * Deletes an upload that is queued (cancelling it), done or failed. A running
 * import cannot be deleted. Returns "not_found" for another shop's batch, as
 * for a missing one.
 */
export async function deleteUpload(database: Database, actor: Actor, batchId: number, root: string = defaultDataDir()): Promise<DeleteUploadResult> {
  const { prisma } = database;
  const scope = merchantScope(actor);
  const batch = await prisma.importBatch.findFirst({
    where: { id: batchId, ...scope },
    select: { source: true, status: true, location: true },
  });
  if (!batch) return "not_found";
  if (batch.source !== "upload") return "not_an_upload";
  if (batch.status === "running") return "running";

  const jobKey = importUploadJobKey(batchId);
  // A queued job is removed only while still queued, so a worker that claims it meanwhile keeps it.
  const removed = await prisma.job.deleteMany({ where: { dedupeKey: jobKey, ...scope, status: { not: "running" } } });
  const stillRunning = await prisma.job.count({ where: { dedupeKey: jobKey, status: "running" } });
  if (stillRunning > 0) return "running";

  const deleted = await prisma.importBatch.deleteMany({ where: { id: batchId, ...scope, status: { not: "running" } } });
  if (deleted.count === 0) return "running";

  try {
    await fs.promises.rm(resolveUploadLocation(batch.location, root), { recursive: true, force: true });
  } catch (error) {
    logger.warn({ err: error, batchId }, "upload deleted, but its files could not be removed");
  }
  logger.info({ batchId, jobsRemoved: removed.count }, "upload deleted");
  return "deleted";
}
