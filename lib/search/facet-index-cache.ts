/**
 * Keeps one FacetIndex per database and reloads it when the catalogue
 * revision changes. Each search costs one revision query. Per database and
 * process, at most one reload runs at a time.
 */
import { readCatalogueRevision } from "../catalogue/revision";
import type { Database, Db } from "../db/client";
import { logger } from "../logger";
import type { FacetIndex } from "./facet-index";
import { loadFacetIndex } from "./facet-index-loader";

/**
 * Maximum time in ms that a search waits for a reload before it uses the
 * previous index.
 * A reload took about 0.6 s at 10k products and 2 s at 100k on a busy 2-core
 * machine, and an import bumps the revision after every chunk, so waiting for
 * each reload would stall searches for seconds. Hits are still read from the
 * database, so a product unpublished meanwhile never appears.
 *
 * NOTE: on SQLite the queries run on the main thread, so other searches can
 * only run between the loader's batches, and building the index from the
 * rows (a few hundred ms at 100k) blocks them.
 */
export const MAX_RELOAD_WAIT_MS = 250;

export interface GetFacetIndexOptions {
  /** Overrides MAX_RELOAD_WAIT_MS. 0 returns the previous index at once, Infinity waits for the reload. */
  maxWaitMs?: number;
}

interface CacheEntry {
  current: FacetIndex | null;
  loading: Promise<FacetIndex> | null;
}

// Keyed by the Prisma client, which stays the same object for the life of a database connection.
const caches = new WeakMap<Db, CacheEntry>();

/**
 * Returns the facet index for the current catalogue revision, loading it on
 * first use and after every revision change. When a reload takes longer than
 * maxWaitMs, the previous index is returned and the reload carries on for
 * later searches. The first load is always waited for. A search that finds a
 * reload already running shares it, even if the revision moved again
 * meanwhile, and the next search after it reloads again.
 */
export async function getFacetIndex(database: Database, options: GetFacetIndexOptions = {}): Promise<FacetIndex> {
  let entry = caches.get(database.prisma);
  if (!entry) {
    entry = { current: null, loading: null };
    caches.set(database.prisma, entry);
  }

  const revision = await readCatalogueRevision(database.prisma);
  if (entry.current && entry.current.revision === revision) return entry.current;

  entry.loading ??= reload(entry, database);
  const previous = entry.current;
  if (!previous) return entry.loading;
  return waitAtMost(entry.loading, options.maxWaitMs ?? MAX_RELOAD_WAIT_MS, previous);
}

/**
 * Loads the index into the entry. When a previous index exists, a failed load
 * is logged and the previous index stays in use, so the next search retries.
 */
async function reload(entry: CacheEntry, database: Database): Promise<FacetIndex> {
  try {
    entry.current = await loadFacetIndex(database);
    return entry.current;
  } catch (error) {
    if (!entry.current) throw error;
    logger.error(
      { err: error, revision: entry.current.revision },
      "search facet index reload failed; searches keep using the previous index",
    );
    return entry.current;
  } finally {
    entry.loading = null;
  }
}

async function waitAtMost(loading: Promise<FacetIndex>, maxWaitMs: number, fallback: FacetIndex): Promise<FacetIndex> {
  if (maxWaitMs <= 0) return fallback;
  if (maxWaitMs === Number.POSITIVE_INFINITY) return loading;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<FacetIndex>((resolve) => {
    timer = setTimeout(() => resolve(fallback), maxWaitMs);
    timer.unref();
  });
  try {
    return await Promise.race([loading, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Drops the cached index of a database, so the next search loads it again. */
export function clearFacetIndexCache(database: Database): void {
  caches.delete(database.prisma);
}
