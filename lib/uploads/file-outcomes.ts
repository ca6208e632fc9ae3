/**
 * Outcomes of files that are not imported: rejected ZIP entries and loose
 * files, and files that no row uses. They are ImportRowOutcome rows with
 * FILE_OUTCOME_ROW as their row number, outcome "skipped", no SKU, and a
 * reason that starts with the file's name, so the report and the progress
 * counts read them from the same table as the rows.
 */
import type { Db } from "../db/client";
import type { UploadImageFile } from "./image-matching";

/** Row number of an outcome that belongs to a file, not to a line of the CSV. */
export const FILE_OUTCOME_ROW = 0;

const INSERT_CHUNK = 500;

export const UNUSED_FILE_REASON =
  "not imported: no row names this file in its image column, and the file is not named after a SKU of the CSV";

export async function recordFileOutcomes(db: Pick<Db, "importRowOutcome">, batchId: number, files: readonly UploadImageFile[]): Promise<void> {
  const rows = files.map((file) => ({
    batchId,
    rowNumber: FILE_OUTCOME_ROW,
    sku: null,
    productId: null,
    outcome: "skipped",
    reason: `${file.displayName}: ${file.storedAs === null ? (file.rejected ?? "rejected") : UNUSED_FILE_REASON}`,
  }));
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await db.importRowOutcome.createMany({ data: rows.slice(start, start + INSERT_CHUNK) });
  }
}
