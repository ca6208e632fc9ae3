import { afterEach, describe, expect, it, vi } from "vitest";

import type { Database, Db } from "@/lib/db/client";
import { logger } from "@/lib/logger";

import { FacetIndex } from "./facet-index";
import { getFacetIndex } from "./facet-index-cache";
import { loadFacetIndex } from "./facet-index-loader";

vi.mock("./facet-index-loader", () => ({ loadFacetIndex: vi.fn() }));
const load = vi.mocked(loadFacetIndex);

/** Returns a database whose only table is the catalogue revision, which the test sets. */
function fakeDatabase(): { database: Database; setRevision(revision: number): void } {
  let revision = 1;
  const prisma = {
    catalogueRevision: { findUnique: async () => ({ revision }) },
  } as unknown as Db;
  return {
    database: { provider: "sqlite", prisma },
    setRevision(value: number) {
      revision = value;
    },
  };
}

function indexAt(revision: number): FacetIndex {
  return new FacetIndex(revision, []);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("getFacetIndex", () => {
  afterEach(() => {
    load.mockReset();
  });

  it("loads once for concurrent first calls", async () => {
    const { database } = fakeDatabase();
    load.mockImplementation(async () => {
      await delay(10);
      return indexAt(1);
    });

    const indexes = await Promise.all(Array.from({ length: 5 }, () => getFacetIndex(database)));

    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(indexes).size).toBe(1);
  });

  it("reuses the index until the revision changes", async () => {
    const { database, setRevision } = fakeDatabase();
    load.mockResolvedValueOnce(indexAt(1)).mockResolvedValueOnce(indexAt(2));

    const first = await getFacetIndex(database);
    expect(await getFacetIndex(database)).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);

    setRevision(2);
    const second = await getFacetIndex(database);
    expect(second.revision).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("returns the previous index after maxWaitMs", async () => {
    const { database, setRevision } = fakeDatabase();
    load.mockResolvedValueOnce(indexAt(1)).mockImplementationOnce(async () => {
      await delay(200);
      return indexAt(2);
    });
    const first = await getFacetIndex(database);
    setRevision(2);

    expect(await getFacetIndex(database, { maxWaitMs: 20 })).toBe(first);
    expect((await getFacetIndex(database, { maxWaitMs: Number.POSITIVE_INFINITY })).revision).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("keeps the previous index when a reload fails", async () => {
    const { database, setRevision } = fakeDatabase();
    const error = vi.spyOn(logger, "error").mockImplementation(() => undefined);
    load
      .mockResolvedValueOnce(indexAt(1))
      .mockRejectedValueOnce(new Error("database is locked"))
      .mockResolvedValueOnce(indexAt(2));
    try {
      const first = await getFacetIndex(database);
      setRevision(2);

      expect(await getFacetIndex(database, { maxWaitMs: Number.POSITIVE_INFINITY })).toBe(first);
      expect(error).toHaveBeenCalledTimes(1);

      // The next call retries the reload.
      expect((await getFacetIndex(database, { maxWaitMs: Number.POSITIVE_INFINITY })).revision).toBe(2);
    } finally {
      error.mockRestore();
    }
  });

  it("rejects when the first load fails", async () => {
    const { database } = fakeDatabase();
    load.mockRejectedValueOnce(new Error("no such table: Product"));

    await expect(getFacetIndex(database)).rejects.toThrow("no such table");
  });
});
