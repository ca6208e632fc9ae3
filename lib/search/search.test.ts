import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { bumpCatalogueRevision } from "@/lib/catalogue/revision";
import { logger } from "@/lib/logger";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { MODEL_SCORE_THRESHOLD } from "./facet-index-loader";
import { clearFacetIndexCache, getFacetIndex } from "./facet-index-cache";
import { searchProducts } from "./index";
import { InvalidSearchRequestError } from "./request";
import { buildCatalogueFixture, insertCatalogueFixture, type FixtureProduct } from "./testing/catalogue-fixture";
import { syncSearchDocuments } from "./text-index";
import { FACETS, type Facet, type SearchRequest, type SearchResponse } from "./types";

const FIXTURE = buildCatalogueFixture(60);
const CATALOGUE_FACETS = ["category", "subCategory", "masterCategory", "gender", "colour", "season", "usage"] as const;

function request(fields: Partial<SearchRequest> = {}): SearchRequest {
  return { q: "", filters: {}, sort: "relevance", page: 1, hitsPerPage: 100, ...fields };
}

// The brute-force reference below restates the search rules over the fixture objects.

function facetValues(product: FixtureProduct, facet: Facet): string[] {
  if ((CATALOGUE_FACETS as readonly string[]).includes(facet)) {
    const value = product[facet as (typeof CATALOGUE_FACETS)[number]];
    return value ? [value] : [];
  }
  const rows = product.attributes.filter((row) => row.group === facet);
  const verified = rows.filter((row) => row.verified);
  const counted =
    verified.length > 0
      ? verified
      : rows.filter((row) => row.source !== "model" || (row.score ?? 0) >= MODEL_SCORE_THRESHOLD);
  return [...new Set(counted.map((row) => row.value))];
}

/** Words of the search document: text-index.ts indexes merchant and title attributes, not model ones. */
function documentWords(product: FixtureProduct): string[] {
  const attributeValues = product.attributes.filter((row) => row.source !== "model").map((row) => row.value);
  const text = [
    product.title,
    product.brand,
    product.category,
    product.subCategory,
    product.masterCategory,
    product.colour,
    product.gender,
    product.season,
    product.usage,
    ...attributeValues,
  ].join(" ");
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** Every query word must start some document word. Valid for queries whose words stem to themselves. */
function matchesText(product: FixtureProduct, q: string): boolean {
  const words = documentWords(product);
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => words.some((word) => word.startsWith(term)));
}

function passes(product: FixtureProduct, facet: Facet, filters: SearchRequest["filters"]): boolean {
  const selected = filters[facet];
  return !selected?.length || facetValues(product, facet).some((value) => selected.includes(value));
}

function expectedResult(fields: Partial<SearchRequest>) {
  const { q, filters } = request(fields);
  const base = FIXTURE.filter((product) => product.status === "published" && (q === "" || matchesText(product, q)));
  const matches = base.filter((product) => FACETS.every((facet) => passes(product, facet, filters)));

  const distribution = {} as Record<Facet, Record<string, number>>;
  for (const facet of FACETS) {
    const counts: Record<string, number> = {};
    for (const product of base) {
      if (!FACETS.every((other) => other === facet || passes(product, other, filters))) continue;
      for (const value of facetValues(product, facet)) counts[value] = (counts[value] ?? 0) + 1;
    }
    for (const value of filters[facet] ?? []) counts[value] ??= 0;
    distribution[facet] = counts;
  }
  return { matches, distribution };
}

// The fixture's SKUs follow insertion order, so they sort like product ids.
function newestFirst(products: FixtureProduct[]): string[] {
  return [...products]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.sku.localeCompare(a.sku))
    .map((product) => product.sku);
}

const EXPECTED_ORDER: Record<Exclude<SearchRequest["sort"], "relevance">, (products: FixtureProduct[]) => string[]> = {
  newest: newestFirst,
  "title:asc": (products) =>
    [...products]
      .sort((a, b) => (a.title.toLowerCase() < b.title.toLowerCase() ? -1 : a.title.toLowerCase() > b.title.toLowerCase() ? 1 : a.sku.localeCompare(b.sku)))
      .map((product) => product.sku),
  "title:desc": (products) =>
    [...products]
      .sort((a, b) => (a.title.toLowerCase() > b.title.toLowerCase() ? -1 : a.title.toLowerCase() < b.title.toLowerCase() ? 1 : a.sku.localeCompare(b.sku)))
      .map((product) => product.sku),
  "year:desc": (products) =>
    [...products]
      .sort((a, b) => (b.year ?? -Infinity) - (a.year ?? -Infinity) || a.sku.localeCompare(b.sku))
      .map((product) => product.sku),
};

const FILTER_CASES: { name: string; fields: Partial<SearchRequest> }[] = [
  { name: "whole catalogue", fields: {} },
  { name: "two colours (OR)", fields: { filters: { colour: ["Blue", "Navy Blue"] } } },
  { name: "colours and gender (AND)", fields: { filters: { colour: ["Blue", "Navy Blue"], gender: ["Men"] } } },
  {
    name: "category, texture and fabric",
    fields: { filters: { category: ["Shirts", "Tshirts"], texture: ["striped", "printed"], fabric: ["cotton"] } },
  },
  { name: "text and gender", fields: { q: "cotton", filters: { gender: ["Women", "Men"] } } },
  { name: "prefix text and two facets", fields: { q: "blu", filters: { category: ["Jeans"], colour: ["Red"] } } },
  { name: "two prefix terms", fields: { q: "casual shoe", filters: { season: ["Summer", "Winter"] } } },
  { name: "value missing from the catalogue", fields: { filters: { colour: ["Purple"], style: ["party"] } } },
  { name: "attribute facets only", fields: { filters: { shape: ["slim fit"], part: ["collar", "v neck"] } } },
];

describe.each(testProviders())("searchProducts on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await insertCatalogueFixture(database, FIXTURE);
  });
  afterAll(async () => {
    await database.drop();
  });

  const search = (fields: Partial<SearchRequest>) => searchProducts(request(fields), database);

  it.each(FILTER_CASES)("matches brute-force counts: $name", async ({ fields }) => {
    const expected = expectedResult(fields);
    const response = await search({ ...fields, sort: "newest" });

    expect(response.estimatedTotalHits).toBe(expected.matches.length);
    expect(response.hits.map((hit) => hit.sku)).toEqual(newestFirst(expected.matches));
    for (const facet of FACETS) {
      expect(response.facetDistribution[facet], facet).toEqual(expected.distribution[facet]);
    }
  });

  it("fixture cases are not trivial", () => {
    // Guards the brute-force comparison above against a fixture that matches nothing.
    expect(expectedResult(FILTER_CASES[2]!.fields).matches.length).toBeGreaterThan(0);
    expect(expectedResult(FILTER_CASES[3]!.fields).matches.length).toBeGreaterThan(0);
    expect(expectedResult(FILTER_CASES[4]!.fields).matches.length).toBeGreaterThan(0);
    expect(Object.keys(expectedResult({}).distribution.texture).length).toBeGreaterThan(2);
  });

  it.each(Object.keys(EXPECTED_ORDER) as (keyof typeof EXPECTED_ORDER)[])(
    "pages through %s in a stable order",
    async (sort) => {
      const expected = EXPECTED_ORDER[sort](expectedResult({}).matches);
      const seen: string[] = [];
      for (let page = 1; page <= Math.ceil(expected.length / 7) + 1; page++) {
        const response = await search({ sort, page, hitsPerPage: 7 });
        expect(response.totalPages).toBe(Math.ceil(expected.length / 7));
        seen.push(...response.hits.map((hit) => hit.sku));
      }

      expect(seen).toEqual(expected);
    },
  );

  it("orders by newest when relevance has no query", async () => {
    const response = await search({ sort: "relevance" });

    expect(response.hits.map((hit) => hit.sku)).toEqual(newestFirst(expectedResult({}).matches));
  });

  it("pages relevance results without gaps or repeats", async () => {
    const all = await search({ q: "cotton", hitsPerPage: 100 });
    const paged: string[] = [];
    for (let page = 1; page <= all.totalPages * 3; page++) {
      const response = await search({ q: "cotton", page, hitsPerPage: 3 });
      paged.push(...response.hits.map((hit) => hit.sku));
    }

    expect(paged).toEqual(all.hits.map((hit) => hit.sku));
  });

  it("returns an empty page past the last one", async () => {
    const response = await search({ page: 500, hitsPerPage: 10 });

    expect(response.hits).toEqual([]);
    expect(response.estimatedTotalHits).toBe(expectedResult({}).matches.length);
  });

  it("never returns drafts or deleted products", async () => {
    const hidden = new Set(FIXTURE.filter((product) => product.status !== "published").map((product) => product.sku));
    expect(hidden.size).toBeGreaterThan(0);

    const queries = ["", "cotton", "blu", "shirt", "roadster"];
    for (const q of queries) {
      for (const sort of ["relevance", "newest"] as const) {
        const response = await search({ q, sort });
        for (const hit of response.hits) expect(hidden.has(hit.sku), `${hit.sku} for "${q}"`).toBe(false);
      }
    }
  });

  it("fills the display fields and the first image's thumbnail", async () => {
    const response = await search({ sort: "title:asc" });
    const bySku = new Map(FIXTURE.map((product) => [product.sku, product]));

    for (const hit of response.hits) {
      const product = bySku.get(hit.sku)!;
      expect(hit).toMatchObject({
        title: product.title,
        brand: product.brand,
        category: product.category,
        colour: product.colour,
        gender: product.gender,
        thumbnailUrl: product.thumbnailKey ? `/media/${product.thumbnailKey}` : null,
      });
    }
  });

  it("echoes the request and measures time", async () => {
    const response: SearchResponse = await search({ q: "cotton", sort: "year:desc", page: 2, hitsPerPage: 5 });

    expect(response).toMatchObject({ q: "cotton", sort: "year:desc", page: 2, hitsPerPage: 5 });
    expect(response.processingTimeMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(response.facetDistribution)).toEqual([...FACETS]);
  });

  it("rejects an invalid request object", async () => {
    await expect(search({ page: 0 })).rejects.toThrow(InvalidSearchRequestError);
  });
});

describe.each(testProviders())("facet index cache on %s", (provider) => {
  let database: TestDatabase;
  let ids: Map<string, number>;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    ids = await insertCatalogueFixture(database, FIXTURE);
  });
  afterAll(async () => {
    await database.drop();
  });

  const published = () => FIXTURE.filter((product) => product.status === "published");

  it("reloads after the revision changes and not before", async () => {
    const first = await searchProducts(request(), database);
    expect(first.estimatedTotalHits).toBe(published().length);

    const target = published()[0]!;
    await database.prisma.product.update({ where: { id: ids.get(target.sku)! }, data: { status: "draft" } });

    // Same revision: the cached index still lists the product.
    const stale = await searchProducts(request(), database);
    expect(stale.estimatedTotalHits).toBe(published().length);

    await bumpCatalogueRevision(database.prisma);
    // Waits for the reload, so that a slow machine cannot make the search below use the previous index.
    await getFacetIndex(database, { maxWaitMs: Number.POSITIVE_INFINITY });
    const fresh = await searchProducts(request(), database);
    expect(fresh.estimatedTotalHits).toBe(published().length - 1);
    expect(fresh.hits.map((hit) => hit.sku)).not.toContain(target.sku);
  });

  it("hides a product unpublished after the index loaded", async () => {
    const before = await searchProducts(request({ sort: "newest" }), database);
    const target = before.hits[0]!;
    await database.prisma.product.update({ where: { id: target.id }, data: { status: "deleted" } });

    const after = await searchProducts(request({ sort: "newest" }), database);
    expect(after.hits.map((hit) => hit.sku)).not.toContain(target.sku);
  });

  it("caches text matches per revision", async () => {
    const zebra = request({ q: "zebra" });
    expect((await searchProducts(zebra, database)).estimatedTotalHits).toBe(0);

    const target = await database.prisma.product.findFirstOrThrow({ where: { status: "published" }, orderBy: { id: "asc" } });
    const productId = target.id;
    await database.prisma.product.update({ where: { id: productId }, data: { title: "Zebra Print Shirt" } });
    await syncSearchDocuments(database.prisma, database.provider, [productId]);

    // Same revision: the cached empty match is still returned.
    expect((await searchProducts(zebra, database)).estimatedTotalHits).toBe(0);

    await bumpCatalogueRevision(database.prisma);
    await getFacetIndex(database, { maxWaitMs: Number.POSITIVE_INFINITY });
    const fresh = await searchProducts(zebra, database);
    expect(fresh.hits.map((hit) => hit.sku)).toEqual([target.sku]);
  });

  it("serves the previous index during a slow reload", async () => {
    const before = await getFacetIndex(database, { maxWaitMs: Number.POSITIVE_INFINITY });
    const newRevision = await bumpCatalogueRevision(database.prisma);

    const during = await getFacetIndex(database, { maxWaitMs: 0 });
    expect(during).toBe(before);

    const after = await getFacetIndex(database, { maxWaitMs: Number.POSITIVE_INFINITY });
    expect(after.revision).toBe(newRevision);
    expect(after).not.toBe(before);
  });

  it("loads the index once for concurrent searches", async () => {
    clearFacetIndexCache(database);
    const info = vi.spyOn(logger, "info");
    try {
      await Promise.all(Array.from({ length: 5 }, () => searchProducts(request({ q: "cotton" }), database)));
      const loads = info.mock.calls.filter((call) => call.includes("loaded search facet index"));
      expect(loads).toHaveLength(1);
    } finally {
      info.mockRestore();
    }
  });
});
