/**
 * An in-memory index of the published catalogue for filtering, facet counts
 * and sorting. Each product gets a position (0..size-1, in ascending product
 * id order); sets of products are Bitsets over those positions.
 *
 * Per facet the index keeps, for each value, the sorted positions that carry
 * it (for filters) and, for each position, its value ids (for counting).
 * Per sort it keeps the positions in that order, so a page is read by walking
 * the order and keeping the positions in the result set.
 *
 * The index is immutable; lib/search/facet-index-cache.ts replaces it when
 * the catalogue revision changes.
 */
import { Bitset } from "./bitset";
import { FACETS, type Facet, type Sort } from "./types";

/** One published product, as the loader reads it. */
export interface CatalogueEntry {
  id: number;
  title: string;
  /** Milliseconds since the Unix epoch. */
  createdAtMs: number;
  year: number | null;
  /** Values of each facet; a facet the product has no value for may be absent. */
  values: Partial<Record<Facet, readonly string[]>>;
}

/** The sorts that a precomputed order serves; "relevance" needs the text scores. */
export type OrderedSort = Exclude<Sort, "relevance">;
export const ORDERED_SORTS: readonly OrderedSort[] = ["newest", "title:asc", "title:desc", "year:desc"];

interface FacetColumn {
  /** Value id -> value. */
  values: string[];
  valueIds: Map<string, number>;
  /** Value id -> positions that carry the value, ascending. */
  postings: Int32Array[];
  /** Position p has the value ids entries[offsets[p]] to entries[offsets[p + 1] - 1]. */
  offsets: Int32Array;
  entries: Int32Array;
}

/**
 * A product id -> position table is used while the ids are dense enough for
 * it to stay small (at most this many slots per product); otherwise lookups
 * binary-search the sorted ids.
 */
const MAX_LOOKUP_SLOTS_PER_PRODUCT = 4;

export class FacetIndex {
  /** The catalogue revision that the index was loaded at. */
  readonly revision: number;
  readonly size: number;
  /** Position -> product id, ascending. */
  readonly productIds: Int32Array;
  private readonly columns: Record<Facet, FacetColumn>;
  private readonly orders: Record<OrderedSort, Int32Array>;
  /** Product id -> position + 1 (0 when absent), or null when the ids are too sparse. */
  private readonly lookup: Int32Array | null;

  constructor(revision: number, entries: readonly CatalogueEntry[]) {
    const sorted = [...entries].sort((a, b) => a.id - b.id);
    assertUniqueIds(sorted);

    this.revision = revision;
    this.size = sorted.length;
    this.productIds = Int32Array.from(sorted, (entry) => entry.id);
    this.columns = Object.fromEntries(FACETS.map((facet) => [facet, buildColumn(sorted, facet)])) as Record<
      Facet,
      FacetColumn
    >;
    this.orders = buildOrders(sorted);
    this.lookup = buildLookup(this.productIds);
  }

  /** Returns the position of a product, or -1 when it is not in the index (unpublished or unknown). */
  positionOf(productId: number): number {
    if (this.lookup) {
      return productId >= 0 && productId < this.lookup.length ? this.lookup[productId]! - 1 : -1;
    }
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const id = this.productIds[middle]!;
      if (id === productId) return middle;
      if (id < productId) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  allProducts(): Bitset {
    return Bitset.full(this.size);
  }

  /** Returns the products that carry at least one of the values; unknown values match nothing. */
  productsWithAnyValue(facet: Facet, values: readonly string[]): Bitset {
    const column = this.columns[facet];
    const set = new Bitset(this.size);
    for (const value of values) {
      const valueId = column.valueIds.get(value);
      if (valueId === undefined) continue;
      for (const position of column.postings[valueId]!) set.add(position);
    }
    return set;
  }

  /**
   * Counts, for each given facet, how many products of the set carry each
   * value. Values with a zero count are left out.
   */
  countValues(set: Bitset, facets: readonly Facet[]): Map<Facet, Map<string, number>> {
    const counts = new Map<Facet, Int32Array>();
    if (set.count() === this.size) {
      // Every product is in the set: the counts are the posting lengths.
      for (const facet of facets) {
        counts.set(facet, Int32Array.from(this.columns[facet].postings, (postings) => postings.length));
      }
    } else {
      const columns = facets.map((facet) => this.columns[facet]);
      const tallies = columns.map((column) => new Int32Array(column.values.length));
      set.forEach((position) => {
        for (let c = 0; c < columns.length; c++) {
          const { offsets, entries } = columns[c]!;
          const tally = tallies[c]!;
          for (let e = offsets[position]!; e < offsets[position + 1]!; e++) tally[entries[e]!]!++;
        }
      });
      facets.forEach((facet, c) => counts.set(facet, tallies[c]!));
    }

    const result = new Map<Facet, Map<string, number>>();
    for (const [facet, tally] of counts) {
      const values = this.columns[facet].values;
      const byValue = new Map<string, number>();
      tally.forEach((count, valueId) => {
        if (count > 0) byValue.set(values[valueId]!, count);
      });
      result.set(facet, byValue);
    }
    return result;
  }

  /** Returns the positions of one page of the set in the given order. */
  pageInOrder(sort: OrderedSort, set: Bitset, offset: number, limit: number): number[] {
    const page: number[] = [];
    if (limit <= 0) return page;
    let skipped = 0;
    for (const position of this.orders[sort]) {
      if (!set.has(position)) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      page.push(position);
      if (page.length === limit) break;
    }
    return page;
  }
}

/** Compares by UTF-16 code units, which is locale-independent and fast. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

function assertUniqueIds(sorted: readonly CatalogueEntry[]): void {
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) {
      throw new Error(`Facet index input lists product ${sorted[i]!.id} twice`);
    }
  }
}

function buildColumn(sorted: readonly CatalogueEntry[], facet: Facet): FacetColumn {
  const values: string[] = [];
  const valueIds = new Map<string, number>();
  const postingLists: number[][] = [];
  const offsets = new Int32Array(sorted.length + 1);
  const entries: number[] = [];

  for (let position = 0; position < sorted.length; position++) {
    offsets[position] = entries.length;
    const productValues = sorted[position]!.values[facet];
    if (!productValues) continue;
    for (let i = 0; i < productValues.length; i++) {
      const value = productValues[i]!;
      // Skips a repeated value; a product has only a handful, so indexOf beats a Set here.
      if (productValues.indexOf(value) !== i) continue;
      let valueId = valueIds.get(value);
      if (valueId === undefined) {
        valueId = values.length;
        values.push(value);
        valueIds.set(value, valueId);
        postingLists.push([]);
      }
      entries.push(valueId);
      postingLists[valueId]!.push(position);
    }
  }
  offsets[sorted.length] = entries.length;

  return {
    values,
    valueIds,
    postings: postingLists.map((positions) => Int32Array.from(positions)),
    offsets,
    entries: Int32Array.from(entries),
  };
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Returns the lower-cased, accent-free title that title sorts compare by code units. */
function titleSortKey(title: string): string {
  if (!NON_ASCII.test(title)) return title.toLowerCase();
  return title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * Returns the rank of each value among the distinct values, ascending from
 * 0, so equal values share a rank.
 */
function denseRanks<T extends string | number>(values: readonly T[]): Float64Array {
  // The default sort compares strings by UTF-16 code units, like compareStrings.
  const distinct = typeof values[0] === "number"
    ? Array.from(new Float64Array([...new Set(values)] as number[]).sort())
    : [...new Set(values)].sort();
  const rankOf = new Map<T, number>(distinct.map((value, rank) => [value as T, rank]));
  return Float64Array.from(values, (value) => rankOf.get(value)!);
}

/**
 * Returns the positions sorted by rank (ascending), ties broken by position
 * ascending or descending. Each (rank, tie) pair is packed into one float64,
 * rank * size + tie, which stays an exact integer below 2^53 for any
 * catalogue under 94 million products, so a native numeric sort does the work.
 */
function orderByRank(ranks: Float64Array, tieBreak: "ascending" | "descending"): Int32Array {
  const size = ranks.length;
  const keys = new Float64Array(size);
  for (let position = 0; position < size; position++) {
    const tie = tieBreak === "ascending" ? position : size - 1 - position;
    keys[position] = ranks[position]! * size + tie;
  }
  keys.sort();

  const order = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const tie = keys[i]! % size;
    order[i] = tieBreak === "ascending" ? tie : size - 1 - tie;
  }
  return order;
}

/**
 * Builds the order of each sort. Ties are broken by product id so that pages
 * are stable: descending for "newest" (a later id was inserted later),
 * ascending for the other sorts. Positions follow ascending id, so breaking
 * ties by position breaks them by id.
 */
function buildOrders(sorted: readonly CatalogueEntry[]): Record<OrderedSort, Int32Array> {
  const invert = (ranks: Float64Array) => {
    const highest = ranks.reduce((max, rank) => Math.max(max, rank), 0);
    return ranks.map((rank) => highest - rank);
  };

  const createdRanks = denseRanks(sorted.map((entry) => entry.createdAtMs));
  const titleRanks = denseRanks(sorted.map((entry) => titleSortKey(entry.title)));
  // Products without a year come last: they get the rank after the oldest year.
  const yearRanks = invert(denseRanks(sorted.map((entry) => entry.year ?? Number.NEGATIVE_INFINITY)));

  return {
    newest: orderByRank(invert(createdRanks), "descending"),
    "title:asc": orderByRank(titleRanks, "ascending"),
    "title:desc": orderByRank(invert(titleRanks), "ascending"),
    "year:desc": orderByRank(yearRanks, "ascending"),
  };
}

function buildLookup(productIds: Int32Array): Int32Array | null {
  if (productIds.length === 0) return new Int32Array(0);
  const maxId = productIds[productIds.length - 1]!;
  if (productIds[0]! < 0 || maxId >= productIds.length * MAX_LOOKUP_SLOTS_PER_PRODUCT + 1024) return null;
  const lookup = new Int32Array(maxId + 1);
  productIds.forEach((id, position) => {
    lookup[id] = position + 1;
  });
  return lookup;
}
