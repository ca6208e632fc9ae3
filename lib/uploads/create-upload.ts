/**
 * Turns a received upload into a queued import: an ImportBatch with source
 * "upload" and an "import-upload" job that a worker (workers/import-worker.ts)
 * picks up.
 */
import fs from "node:fs";

import type { Database } from "../db/client";
import { enqueueJob } from "../jobs";
import { IMPORT_UPLOAD_JOB, IMPORT_UPLOAD_MAX_ATTEMPTS, importUploadJobKey, type ImportUploadPayload } from "./job";
import type { ReceivedUpload } from "./receive";

export interface QueuedUpload {
  batchId: number;
  jobId: number;
}

/** Creates the batch and its job. If queuing fails, the batch and the files are removed again. */
export async function queueUploadImport(database: Database, merchantId: number, upload: ReceivedUpload): Promise<QueuedUpload> {
  const batch = await database.prisma.importBatch.create({
    data: {
      merchantId,
      source: "upload",
      status: "queued",
      location: upload.folder.location,
      rowsTotal: upload.manifest.catalogue.rows,
    },
    select: { id: true },
  });

  try {
    const payload: ImportUploadPayload = { batchId: batch.id };
    const job = await enqueueJob(database.prisma, {
      type: IMPORT_UPLOAD_JOB,
      payload,
      merchantId,
      maxAttempts: IMPORT_UPLOAD_MAX_ATTEMPTS,
      dedupeKey: importUploadJobKey(batch.id),
    });
    return { batchId: batch.id, jobId: job.jobId };
  } catch (error) {
    await database.prisma.importBatch.delete({ where: { id: batch.id } }).catch(() => undefined);
    await fs.promises.rm(upload.folder.path, { recursive: true, force: true });
    throw error;
  }
}
