/** The background job that imports one upload; its payload names the import batch. */
import { z } from "zod";

export const IMPORT_UPLOAD_JOB = "import-upload";

/** Attempts before an upload's import is marked failed; a problem in the files themselves fails at once. */
export const IMPORT_UPLOAD_MAX_ATTEMPTS = 3;

export const importUploadPayloadSchema = z.object({ batchId: z.number().int().positive() });
export type ImportUploadPayload = z.infer<typeof importUploadPayloadSchema>;

/** The dedupe key of a batch's job, so a batch never has two import jobs queued at once. */
export function importUploadJobKey(batchId: number): string {
  return `${IMPORT_UPLOAD_JOB}:${batchId}`;
}
