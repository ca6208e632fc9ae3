import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { searchProducts } from "./index";
import { tokenizeQuery } from "./query-terms";
import { fixtureProduct, insertCatalogueFixture } from "./testing/catalogue-fixture";
import { matchText } from "./text-match";
import type { SearchRequest } from "./types";

const PRODUCTS = [
  fixtureProduct({ sku: "exact", title: "Kestrel Linen Shirt" }),
  fixtureProduct({
    sku: "attribute",
    title: "Kestrel Shirt",
    attributes: [{ group: "fabric", value: "linen", source: "merchant", score: null, verified: false }],
  }),
  fixtureProduct({ sku: "long", title: "Kestrel Linen Shirt with Pocket for Summer Beach Holidays" }),
  fixtureProduct({ sku: "striped-shirt", title: "Striped Shirt", category: "Shirts" }),
  fixtureProduct({ sku: "striped-kurta", title: "Striped Cotton Kurta", category: "Kurtas" }),
  fixtureProduct({ sku: "tee", title: "Plain Tee", brand: "Roadster", colour: "Navy Blue" }),
  fixtureProduct({ sku: "draft-shirt", title: "Kestrel Draft Shirt", status: "draft" }),
];

/** Inputs that carry FTS5 or tsquery syntax; each must search as plain words. */
const HOSTILE_QUERIES = [
  '"',
  '"shirt',
  'shirt"',
  '""',
  "NEAR(shirt striped)",
  "NEAR(",
  "shirt*",
  "*",
  "-shirt",
  "shirt -striped",
  "title:shirt",
  "{title brand}: shirt",
  "^shirt",
  "(",
  ")",
  "AND",
  "OR NOT",
  "shirt AND OR",
  "'",
  "\\",
  "shirt & striped | !kurta",
  "<->",
  ":*",
  "'shirt':*",
  "%_",
  "\u0000",
  "👕 shirt",
  `'); DROP TABLE "Product"; --`,
];

describe.each(testProviders())("text matching on %s", (provider) => {
  let database: TestDatabase;
  let skuOf: Map<number, string>;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const ids = await insertCatalogueFixture(database, PRODUCTS);
    skuOf = new Map([...ids].map(([sku, id]) => [id, sku]));
  });
  afterAll(async () => {
    await database.drop();
  });

  async function matchingSkus(q: string): Promise<string[]> {
    const matches = await matchText(database, tokenizeQuery(q), { scores: false });
    return Array.from(matches.productIds, (id) => skuOf.get(id)!).sort();
  }

  async function rankedSkus(q: string): Promise<string[]> {
    const request: SearchRequest = { q, filters: {}, sort: "relevance", page: 1, hitsPerPage: 100 };
    const response = await searchProducts(request, database);
    return response.hits.map((hit) => hit.sku);
  }

  it("matches every term as a prefix", async () => {
    expect(await matchingSkus("stri shi")).toEqual(["striped-shirt"]);
    expect(await matchingSkus("kest")).toEqual(["attribute", "draft-shirt", "exact", "long"]);
  });

  it("requires every term", async () => {
    expect(await matchingSkus("kestrel pocket")).toEqual(["long"]);
    expect(await matchingSkus("striped kurta")).toEqual(["striped-kurta"]);
    expect(await matchingSkus("kestrel kurta")).toEqual([]);
  });

  it("matches brand, colour and attribute columns", async () => {
    expect(await matchingSkus("roadster")).toEqual(["tee"]);
    expect(await matchingSkus("navy")).toEqual(["tee"]);
    expect(await matchingSkus("kestrel linen")).toEqual(["attribute", "exact", "long"]);
  });

  it("stems plural forms", async () => {
    expect(await matchingSkus("shirts striped")).toEqual(["striped-shirt"]);
  });

  it("returns relevance scores for every match", async () => {
    const matches = await matchText(database, ["kestrel"], { scores: true });

    expect(matches.scores).toHaveLength(matches.productIds.length);
    for (const score of Array.from(matches.scores!)) expect(score).toBeGreaterThan(0);
  });

  it("ranks a title match above an attribute match", async () => {
    const ranked = await rankedSkus("kestrel linen shirt");

    expect(ranked[0]).toBe("exact");
    expect(ranked.indexOf("exact")).toBeLessThan(ranked.indexOf("attribute"));
    expect(ranked).toHaveLength(3);
  });

  it("ranks a short matching title above a long one", async () => {
    const ranked = await rankedSkus("kestrel linen");

    expect(ranked.indexOf("exact")).toBeLessThan(ranked.indexOf("long"));
  });

  it("leaves drafts out of search results", async () => {
    expect(await rankedSkus("kestrel")).not.toContain("draft-shirt");
  });

  it.each(HOSTILE_QUERIES)("searches %j as plain words", async (q) => {
    const matches = await matchText(database, tokenizeQuery(q), { scores: true });
    const response = await searchProducts({ q, filters: {}, sort: "relevance", page: 1, hitsPerPage: 100 }, database);

    expect(matches.productIds.length).toBeLessThanOrEqual(PRODUCTS.length);
    expect(response.estimatedTotalHits).toBeLessThanOrEqual(PRODUCTS.length);
  });

  it("ignores a leading minus instead of negating", async () => {
    expect(await matchingSkus("-shirt")).toEqual(await matchingSkus("shirt"));
    expect(await matchingSkus("shirt -striped")).toEqual(["striped-shirt"]);
  });

  it("treats a query of stop words as no query", async () => {
    const response = await searchProducts({ q: "the of", filters: {}, sort: "relevance", page: 1, hitsPerPage: 100 }, database);

    expect(response.estimatedTotalHits).toBe(PRODUCTS.length - 1);
  });
});
