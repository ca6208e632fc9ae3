/**
 * Caches text matches per database, keyed on the catalogue revision and the
 * query terms. A shopper who pages, sorts or ticks facets repeats the same q,
 * and its matches (with bm25 scores, about 10 ms of SQLite CPU for 20k
 * matches) are the costliest part of such a search.
 */
import type { Database, Db } from "../db/client";
import { matchText, type MatchOptions, type TextMatches } from "./text-match";

/** Upper bound on the product ids kept across all cached queries of one database; each costs 12 bytes with its score. */
export const MAX_CACHED_MATCHES = 1_000_000;
/** Upper bound on the number of cached queries of one database. */
export const MAX_CACHED_QUERIES = 256;

interface CacheEntry {
  productIds: Int32Array;
  scores: Float64Array | null;
}

class MatchCache {
  // A Map iterates in insertion order; re-inserting on every hit makes the first key the least recently used.
  private readonly entries = new Map<string, CacheEntry>();
  private storedMatches = 0;

  get(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CacheEntry): void {
    if (entry.productIds.length > MAX_CACHED_MATCHES) return;
    this.delete(key);
    this.entries.set(key, entry);
    this.storedMatches += entry.productIds.length;
    while (this.storedMatches > MAX_CACHED_MATCHES || this.entries.size > MAX_CACHED_QUERIES) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.storedMatches -= entry.productIds.length;
  }
}

const caches = new WeakMap<Db, MatchCache>();

function cacheKey(revision: number, terms: readonly string[], scores: boolean): string {
  return `${revision}|${scores ? "scored" : "ids"}|${terms.join(" ")}`;
}

/**
 * Returns matchText's result for the terms, from the cache when the same
 * terms were matched at the same revision. A cached scored result also
 * serves a request without scores.
 */
export async function matchTextCached(
  database: Database,
  revision: number,
  terms: readonly string[],
  options: MatchOptions,
): Promise<TextMatches> {
  let cache = caches.get(database.prisma);
  if (!cache) {
    cache = new MatchCache();
    caches.set(database.prisma, cache);
  }

  const cached =
    cache.get(cacheKey(revision, terms, true)) ?? (options.scores ? undefined : cache.get(cacheKey(revision, terms, false)));
  if (cached) {
    return { productIds: cached.productIds, scores: options.scores ? cached.scores : null };
  }

  const matches = await matchText(database, terms, options);
  const entry: CacheEntry = {
    productIds: Int32Array.from(matches.productIds),
    scores: matches.scores ? Float64Array.from(matches.scores) : null,
  };
  cache.set(cacheKey(revision, terms, options.scores), entry);
  return { productIds: entry.productIds, scores: entry.scores };
}

/** Drops the cached matches of a database. */
export function clearTextMatchCache(database: Database): void {
  caches.delete(database.prisma);
}
