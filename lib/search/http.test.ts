import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { logger } from "@/lib/logger";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { handleSearchRequest } from "./http";
import { buildCatalogueFixture, insertCatalogueFixture } from "./testing/catalogue-fixture";
import type { SearchErrorResponse, SearchResponse } from "./types";

describe.each(testProviders())("GET /api/search handler on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await insertCatalogueFixture(database, buildCatalogueFixture(20));
  });
  afterAll(async () => {
    await database.drop();
  });

  const get = (query: string, headers?: HeadersInit) =>
    handleSearchRequest(new Request(`http://127.0.0.1/api/search?${query}`, { headers }), () => database);

  it("returns a SearchResponse", async () => {
    const response = await get("q=cotton&sort=newest&hitsPerPage=5");
    const body = (await response.json()) as SearchResponse;

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(body).toMatchObject({ q: "cotton", sort: "newest", page: 1, hitsPerPage: 5 });
    expect(Array.isArray(body.hits)).toBe(true);
  });

  it("returns 400 with the issues of an invalid request", async () => {
    const response = await get("sort=oldest&page=0");
    const body = (await response.json()) as SearchErrorResponse;

    expect(response.status).toBe(400);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues!.map((issue) => issue.parameter).sort()).toEqual(["page", "sort"]);
    expect(body.error.message).toContain('"oldest"');
  });

  it("returns 400 for an unknown parameter", async () => {
    const response = await get("colur=Blue");
    const body = (await response.json()) as SearchErrorResponse;

    expect(response.status).toBe(400);
    expect(body.error.issues![0]).toMatchObject({ parameter: "colur", value: "Blue" });
  });

  it("logs an unexpected error and returns 500 with the request id", async () => {
    const error = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    try {
      const response = await handleSearchRequest(
        new Request("http://127.0.0.1/api/search?q=shirt", { headers: { "x-request-id": "req-42" } }),
        () => {
          throw new Error("DATABASE_URL is broken");
        },
      );
      const body = (await response.json()) as SearchErrorResponse;

      expect(response.status).toBe(500);
      expect(body.error).toMatchObject({ code: "internal_error", requestId: "req-42" });
      expect(body.error.message).toContain("req-42");
      expect(body.error.message).not.toContain("DATABASE_URL");
      expect(error).toHaveBeenCalledTimes(1);
      expect(error.mock.calls[0]![0]).toMatchObject({ requestId: "req-42" });
    } finally {
      error.mockRestore();
    }
  });

  it("replaces a malformed request id", async () => {
    const response = await get("q=shirt", { "x-request-id": "bad id\twith spaces" });

    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
