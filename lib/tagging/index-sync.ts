import type { Logger } from "pino";

import { readCatalogueRevision } from "../catalogue/revision";
import type { Database } from "../db/client";
import { syncVectorIndex, type IndexSyncResult, type VectorIndex } from "../vector-index";

/**
 * Minimum time between two syncs of the worker's index with the catalogue, in
 * ms. A sync lists the ids of all indexed products, and tagging changes the
 * catalogue revision after every batch, so syncing on every change would
 * repeat that listing every few seconds.
 */
export const DEFAULT_INDEX_SYNC_INTERVAL_MS = 10_000;

export interface IndexSyncOptions {
  database: Database;
  index: VectorIndex;
  /** Header path that a rebuilt index is saved to. */
  headerPath: string;
  logger: Logger;
  /** Default DEFAULT_INDEX_SYNC_INTERVAL_MS. */
  intervalMs?: number;
}

export interface IndexSyncSchedule {
  /**
   * Runs syncVectorIndex when the catalogue revision changed since the last
   * successful sync and the interval has passed since the last attempt. The
   * first call always syncs. Returns null when no sync ran or it failed. A
   * failure is logged and retried at the next due call.
   */
  runIfDue(): Promise<IndexSyncResult | null>;
}

/**
 * Schedules the syncs of the vision worker's index with the catalogue, so
 * that products deleted, unpublished or re-published while the worker runs
 * reach the index, and a rebuild follows once enough are deleted. The tagging
 * loop calls `runIfDue` between batches, which keeps it the index's only
 * writer.
 *
 * NOTE: a change that does not bump the catalogue revision, such as deleting
 * a merchant row directly (its products go with it by cascade), reaches the
 * index at the next bump or the next start.
 */
export function scheduleIndexSync(options: IndexSyncOptions): IndexSyncSchedule {
  const intervalMs = options.intervalMs ?? DEFAULT_INDEX_SYNC_INTERVAL_MS;
  let syncedRevision: number | null = null;
  let lastAttempt = -Infinity;

  return {
    async runIfDue() {
      if (performance.now() - lastAttempt < intervalMs) return null;
      lastAttempt = performance.now();
      try {
        const revision = await readCatalogueRevision(options.database.prisma);
        if (revision === syncedRevision) return null;
        const result = await syncVectorIndex(options.database.prisma, options.index, { headerPath: options.headerPath, logger: options.logger });
        syncedRevision = revision;
        return result;
      } catch (error) {
        options.logger.error(
          { err: error, retryInMs: intervalMs },
          "Syncing the vector index with the catalogue failed; the worker keeps running and retries",
        );
        return null;
      }
    },
  };
}
