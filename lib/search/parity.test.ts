import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { searchProducts } from "./index";
import { buildCatalogueFixture, insertCatalogueFixture } from "./testing/catalogue-fixture";
import type { SearchRequest } from "./types";

const REQUESTS: Partial<SearchRequest>[] = [
  {},
  { q: "cotton" },
  { q: "blu", sort: "newest" },
  { q: "stri", sort: "title:asc" },
  { q: "casual shoe", filters: { gender: ["Men", "Women"] } },
  { q: "road men", sort: "year:desc" },
  { q: "navy", filters: { category: ["Shirts", "Tshirts", "Jeans"] } },
  { filters: { colour: ["Blue", "Navy Blue"], texture: ["striped"] }, sort: "title:desc" },
  { q: `"NEAR(shirt" -blue*`, sort: "newest" },
  { q: "linen collar", page: 2, hitsPerPage: 3 },
];

describe.skipIf(!testProviders().includes("postgresql"))("SQLite and PostgreSQL parity", () => {
  let sqlite: TestDatabase;
  let postgres: TestDatabase;

  beforeAll(async () => {
    const fixture = buildCatalogueFixture(60);
    [sqlite, postgres] = await Promise.all([createTestDatabase("sqlite"), createTestDatabase("postgresql")]);
    await insertCatalogueFixture(sqlite, fixture);
    await insertCatalogueFixture(postgres, fixture);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.drop(), postgres?.drop()]);
  });

  it.each(REQUESTS)("returns the same hits and counts for %j", async (fields) => {
    const request: SearchRequest = { q: "", filters: {}, sort: "relevance", page: 1, hitsPerPage: 100, ...fields };
    const [fromSqlite, fromPostgres] = await Promise.all([
      searchProducts(request, sqlite),
      searchProducts(request, postgres),
    ]);

    expect(fromPostgres.estimatedTotalHits).toBe(fromSqlite.estimatedTotalHits);
    expect(fromPostgres.facetDistribution).toEqual(fromSqlite.facetDistribution);

    const skus = (hits: typeof fromSqlite.hits) => hits.map((hit) => hit.sku);
    if (request.sort === "relevance" && request.q !== "") {
      // The two rankers score differently, so only the set of hits must agree.
      expect(skus(fromPostgres.hits).sort()).toEqual(skus(fromSqlite.hits).sort());
    } else {
      expect(skus(fromPostgres.hits)).toEqual(skus(fromSqlite.hits));
    }
  });
});
