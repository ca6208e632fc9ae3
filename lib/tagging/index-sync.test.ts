import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { deleteMerchantProduct } from "@/lib/auth/tenancy";
import { bumpCatalogueRevision } from "@/lib/catalogue/revision";
import { openVectorIndex, type VectorIndex } from "@/lib/vector-index";
import { createEmbeddedProduct } from "@/lib/vector-index/testing/embedded-products";
import { clusteredVectors, rowOf } from "@/lib/vector-index/testing/synthetic";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { scheduleIndexSync } from "./index-sync";

const MODEL = "model-a";
const DIMENSION = 8;
const PRODUCTS = 20;
const admin = { id: "admin", role: "admin", merchantId: null } as const;

describe.each(testProviders())("index sync schedule on %s", (provider) => {
  let database: TestDatabase;
  let dir: string;
  let headerPath: string;
  let merchantId: number;
  let productIds: number[];
  let index: VectorIndex;
  let lines: { level: number; msg: string; err?: { message: string } }[];
  let logger: pino.Logger;

  beforeEach(async () => {
    database = await createTestDatabase(provider);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-index-schedule-"));
    headerPath = path.join(dir, "index.json");
    lines = [];
    logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) });

    merchantId = (await database.prisma.merchant.create({ data: { slug: "acme", name: "Acme" } })).id;
    const vectors = clusteredVectors({ dimension: DIMENSION, clusters: 3, seed: 4 }).next(PRODUCTS);
    productIds = [];
    for (let row = 0; row < PRODUCTS; row++) {
      productIds.push(await createEmbeddedProduct(database.prisma, { merchantId, sku: `sku-${row}`, modelId: MODEL, vector: rowOf(vectors, DIMENSION, row) }));
    }
    ({ index } = await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath, logger }));
  });

  afterEach(async () => {
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("syncs first and after catalogue changes", async () => {
    const schedule = scheduleIndexSync({ database, index, headerPath, logger, intervalMs: 0 });
    expect(await schedule.runIfDue()).toEqual({ marked: [], added: [], rebuilt: false });
    expect(await schedule.runIfDue()).toBeNull();

    await deleteMerchantProduct(database.prisma, admin, productIds[1]!);
    expect(await schedule.runIfDue()).toEqual({ marked: [productIds[1]], added: [], rebuilt: false });
    expect(index.has(productIds[1]!)).toBe(false);
    expect(index.deletedCount).toBe(1);
  });

  it("waits for the interval between syncs", async () => {
    const schedule = scheduleIndexSync({ database, index, headerPath, logger, intervalMs: 60_000 });
    expect(await schedule.runIfDue()).not.toBeNull();

    await deleteMerchantProduct(database.prisma, admin, productIds[2]!);
    expect(await schedule.runIfDue()).toBeNull();
    expect(index.has(productIds[2]!)).toBe(true);
  });

  it("logs a failed sync and retries it", async () => {
    const schedule = scheduleIndexSync({ database, index, headerPath, logger, intervalMs: 0 });
    // A stored embedding of the wrong dimension makes adding the product fail.
    const broken = await createEmbeddedProduct(database.prisma, { merchantId, sku: "broken", modelId: MODEL, vector: new Float32Array([1, 0, 0, 0]) });
    await bumpCatalogueRevision(database.prisma);

    await expect(schedule.runIfDue()).resolves.toBeNull();
    const errors = lines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/^Syncing the vector index with the catalogue failed/);
    expect(errors[0]?.err?.message).toContain(`Adding 1 products to the vector index failed (products ${broken})`);
    expect(errors[0]?.err?.message).toContain("has dimension 4, expected 8");

    // The revision is unchanged, but the failed sync did not count, so the next call retries it.
    await database.prisma.product.delete({ where: { id: broken } });
    expect(await schedule.runIfDue()).toEqual({ marked: [], added: [], rebuilt: false });
  });
});
