import { describe, expect, it } from "vitest";

import { Bitset } from "./bitset";
import { filterAndCount } from "./facet-filter";
import { FacetIndex, ORDERED_SORTS, type CatalogueEntry, type OrderedSort } from "./facet-index";
import { pageByScore } from "./ranking";
import { FACETS, type Facet } from "./types";

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Random entries with sparse ids, missing values, multi-valued facets and tied sort keys. */
function randomEntries(count: number, seed: number): CatalogueEntry[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const entries: CatalogueEntry[] = [];
  let id = 0;
  for (let i = 0; i < count; i++) {
    id += 1 + Math.floor(random() * 3);
    const values: Partial<Record<Facet, string[]>> = {};
    for (const facet of FACETS) {
      const valueCount = Math.floor(random() * 3);
      const chosen = Array.from({ length: valueCount }, () => `${facet}-${pick(["a", "b", "c", "d"])}`);
      if (chosen.length > 0) values[facet] = chosen;
    }
    entries.push({
      id,
      title: pick(["Shirt", "shirt", "Été Dress", "Jeans", "Apron", "zip Top"]),
      createdAtMs: pick([1000, 2000, 3000]),
      year: pick([2011, 2012, null]),
      values,
    });
  }
  // Unsorted input: the index must sort by id itself.
  return entries.reverse();
}

function has(entry: CatalogueEntry, facet: Facet, values: readonly string[]): boolean {
  return (entry.values[facet] ?? []).some((value) => values.includes(value));
}

/** Brute-force facet counts: each facet's counts apply every other facet's filter. */
function expectedDistribution(
  entries: readonly CatalogueEntry[],
  base: (entry: CatalogueEntry) => boolean,
  filters: Partial<Record<Facet, string[]>>,
): Record<Facet, Record<string, number>> {
  const distribution = {} as Record<Facet, Record<string, number>>;
  for (const facet of FACETS) {
    const counts: Record<string, number> = {};
    for (const entry of entries) {
      if (!base(entry)) continue;
      const passesOthers = FACETS.every(
        (other) => other === facet || !filters[other]?.length || has(entry, other, filters[other]!),
      );
      if (!passesOthers) continue;
      for (const value of new Set(entry.values[facet] ?? [])) counts[value] = (counts[value] ?? 0) + 1;
    }
    for (const value of filters[facet] ?? []) counts[value] ??= 0;
    distribution[facet] = counts;
  }
  return distribution;
}

function expectedOrder(entries: readonly CatalogueEntry[], sort: OrderedSort): number[] {
  const key = (title: string) => title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const compare: Record<OrderedSort, (a: CatalogueEntry, b: CatalogueEntry) => number> = {
    newest: (a, b) => b.createdAtMs - a.createdAtMs || b.id - a.id,
    "title:asc": (a, b) => key(a.title).localeCompare(key(b.title), "en") || a.id - b.id,
    "title:desc": (a, b) => key(b.title).localeCompare(key(a.title), "en") || a.id - b.id,
    "year:desc": (a, b) => (b.year ?? -Infinity) - (a.year ?? -Infinity) || a.id - b.id,
  };
  return [...entries].sort(compare[sort]).map((entry) => entry.id);
}

describe("Bitset", () => {
  it.each([0, 1, 31, 32, 33, 100])("matches a Set for size %i", (size) => {
    const random = seededRandom(size + 1);
    const positions = Array.from({ length: size }, (_, i) => i).filter(() => random() < 0.4);
    const other = Array.from({ length: size }, (_, i) => i).filter(() => random() < 0.5);
    const set = Bitset.of(size, positions);

    expect(set.count()).toBe(positions.length);
    expect(Array.from(set.toArray())).toEqual(positions);
    expect(Bitset.full(size).count()).toBe(size);
    expect(Array.from(set.clone().intersect(Bitset.of(size, other)).toArray())).toEqual(
      positions.filter((position) => other.includes(position)),
    );
    expect(Array.from(set.clone().union(Bitset.of(size, other)).toArray())).toEqual(
      [...new Set([...positions, ...other])].sort((a, b) => a - b),
    );
  });
});

describe("FacetIndex", () => {
  const entries = randomEntries(500, 42);
  const index = new FacetIndex(1, entries);

  it("finds positions by product id", () => {
    for (const entry of entries) {
      expect(index.productIds[index.positionOf(entry.id)]).toBe(entry.id);
    }
    expect(index.positionOf(0)).toBe(-1);
    expect(index.positionOf(entries[0]!.id + 1)).toBe(-1);
  });

  it("finds positions with sparse ids", () => {
    const sparse = new FacetIndex(1, [
      { id: 5, title: "a", createdAtMs: 0, year: null, values: {} },
      { id: 9_000_000, title: "b", createdAtMs: 0, year: null, values: {} },
    ]);

    expect(sparse.positionOf(9_000_000)).toBe(1);
    expect(sparse.positionOf(5)).toBe(0);
    expect(sparse.positionOf(6)).toBe(-1);
  });

  it("rejects a repeated product id", () => {
    const entry: CatalogueEntry = { id: 3, title: "a", createdAtMs: 0, year: null, values: {} };

    expect(() => new FacetIndex(1, [entry, entry])).toThrow("product 3 twice");
  });

  const filterCases: { name: string; filters: Partial<Record<Facet, string[]>>; textIds?: number }[] = [
    { name: "no filters", filters: {} },
    { name: "OR within one facet", filters: { colour: ["colour-a", "colour-b"] } },
    { name: "AND across facets", filters: { colour: ["colour-a", "colour-b"], gender: ["gender-c"] } },
    {
      name: "three facets with a text base",
      filters: { category: ["category-a"], texture: ["texture-b", "texture-d"], style: ["style-a"] },
      textIds: 3,
    },
    { name: "unknown value", filters: { fabric: ["fabric-z"], season: ["season-a"] } },
  ];

  it.each(filterCases)("counts facets like brute force: $name", ({ filters, textIds }) => {
    const inText = (entry: CatalogueEntry) => textIds === undefined || entry.id % textIds === 0;
    const base = Bitset.of(
      index.size,
      entries.filter(inText).map((entry) => index.positionOf(entry.id)),
    );

    const { matches, facetDistribution } = filterAndCount(index, base, filters);

    const expectedIds = entries
      .filter(
        (entry) =>
          inText(entry) && FACETS.every((facet) => !filters[facet]?.length || has(entry, facet, filters[facet]!)),
      )
      .map((entry) => entry.id)
      .sort((a, b) => a - b);
    expect(Array.from(matches.toArray(), (position) => index.productIds[position])).toEqual(expectedIds);

    const expected = expectedDistribution(entries, inText, filters);
    for (const facet of FACETS) {
      expect(facetDistribution[facet], facet).toEqual(expected[facet]);
    }
  });

  it("orders the distribution by count, then value", () => {
    const { facetDistribution } = filterAndCount(index, index.allProducts(), { colour: ["colour-zz"] });
    const counts = Object.entries(facetDistribution.colour);

    for (let i = 1; i < counts.length; i++) {
      const [previousValue, previousCount] = counts[i - 1]!;
      const [value, count] = counts[i]!;
      expect(previousCount > count || (previousCount === count && previousValue < value)).toBe(true);
    }
    expect(facetDistribution.colour["colour-zz"]).toBe(0);
  });

  it.each(ORDERED_SORTS)("pages in %s order with ties broken by id", (sort) => {
    const set = Bitset.of(
      index.size,
      entries.filter((entry) => entry.id % 2 === 0).map((entry) => index.positionOf(entry.id)),
    );
    const expected = expectedOrder(
      entries.filter((entry) => entry.id % 2 === 0),
      sort,
    );

    const pages: number[] = [];
    for (let offset = 0; offset < expected.length + 10; offset += 17) {
      pages.push(...index.pageInOrder(sort, set, offset, 17).map((position) => index.productIds[position]!));
    }
    expect(pages).toEqual(expected);
  });
});

describe("pageByScore", () => {
  it.each([100, 20_000])("matches a full sort over %i candidates", (size) => {
    const random = seededRandom(size);
    // Few distinct scores, so ties are common and the id tie-break is exercised.
    const scores = Float64Array.from({ length: size }, () => Math.floor(random() * 50) / 7);
    const set = Bitset.of(
      size,
      Array.from({ length: size }, (_, i) => i).filter(() => random() < 0.7),
    );
    const expected = Array.from(set.toArray()).sort((a, b) => scores[b]! - scores[a]! || a - b);

    for (const [offset, limit] of [
      [0, 24],
      [48, 24],
      [0, 1],
      [expected.length - 5, 24],
    ] as const) {
      expect(pageByScore(set, scores, offset, limit)).toEqual(expected.slice(offset, offset + limit));
    }
  });
});
