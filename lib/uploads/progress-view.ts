/**
 * The progress of an upload as the API returns it and the progress page
 * shows it, with the percentages the page draws. This module imports nothing
 * from the server, so client components can use it.
 */
import type { BatchStatus } from "../catalogue/types";

export interface UploadProgress {
  id: number;
  source: string;
  status: BatchStatus;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  rows: {
    total: number;
    /** Rows with an outcome so far: imported + updated + unchanged + skipped. */
    processed: number;
    imported: number;
    updated: number;
    unchanged: number;
    skipped: number;
  };
  files: {
    /** Files not imported: rejected, or used by no row. */
    rejected: number;
  };
  /** The main images of the products that this upload imported, updated or left unchanged, by status. */
  images: { total: number; pending: number; processing: number; tagged: number; failed: number };
  job: { id: number; status: string; attempts: number; maxAttempts: number; lastError: string | null } | null;
}

/** Percentage of rows processed, 0 to 100; a finished batch is complete even when it had no rows. */
export function rowsPercent(progress: Pick<UploadProgress, "rows" | "status">): number {
  if (progress.status === "done") return 100;
  if (progress.rows.total === 0) return 0;
  return Math.min(100, Math.floor((progress.rows.processed / progress.rows.total) * 100));
}

/** Percentage of the upload's images that the vision worker has finished, tagged or failed. */
export function taggingPercent(progress: Pick<UploadProgress, "images">): number {
  const { total, tagged, failed } = progress.images;
  if (total === 0) return 0;
  return Math.min(100, Math.floor(((tagged + failed) / total) * 100));
}
