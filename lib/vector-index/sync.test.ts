import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { deleteMerchantProduct, updateMerchantProduct, type Actor } from "@/lib/auth/tenancy";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { openVectorIndex } from "./open";
import { countProductVectors, indexedProductIds } from "./stored-vectors";
import { syncVectorIndex } from "./sync";
import { createEmbeddedProduct } from "./testing/embedded-products";
import { clusteredVectors, rowOf } from "./testing/synthetic";
import { loadVectorIndex, type VectorIndex } from "./vector-index";

const MODEL = "model-a";
const DIMENSION = 8;
const PRODUCTS = 20;
const admin: Actor = { id: "admin", role: "admin", merchantId: null };

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function captureLogs() {
  const lines: LogLine[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

describe.each(testProviders())("vector index sync with the catalogue on %s", (provider) => {
  let database: TestDatabase;
  let dir: string;
  let headerPath: string;
  let merchantId: number;
  /** Product ids in creation order, with the vector of each. */
  let products: { id: number; vector: Float32Array }[];

  function createProduct(shopId: number, sku: string, vector: Float32Array): Promise<number> {
    return createEmbeddedProduct(database.prisma, { merchantId: shopId, sku, modelId: MODEL, vector });
  }

  async function open(options: { maxDeletedFraction?: number } = {}) {
    const { logger, lines } = captureLogs();
    const opened = await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath, logger, ...options });
    return { ...opened, logger, lines };
  }

  /** Asserts that the saved index has the database's live count and the same labels as `index`. */
  async function expectSavedIndexMatchesDatabase(index: VectorIndex) {
    const count = await countProductVectors(database.prisma, MODEL);
    const loaded = await loadVectorIndex(headerPath, { modelId: MODEL, dimension: DIMENSION, count });
    if (!loaded.ok) throw new Error(`Expected the saved index to load, but: ${loaded.mismatch.message}`);
    expect(loaded.index.labels()).toEqual(index.labels());
    expect(loaded.index.deletedCount).toBe(index.deletedCount);
  }

  beforeEach(async () => {
    database = await createTestDatabase(provider);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-index-sync-"));
    headerPath = path.join(dir, "index.json");
    merchantId = (await database.prisma.merchant.create({ data: { slug: "acme", name: "Acme" } })).id;
    const vectors = clusteredVectors({ dimension: DIMENSION, clusters: 5, seed: 9 }).next(PRODUCTS);
    products = [];
    for (let row = 0; row < PRODUCTS; row++) {
      const vector = rowOf(vectors, DIMENSION, row);
      products.push({ id: await createProduct(merchantId, `sku-${row}`, vector), vector });
    }
  });

  afterEach(async () => {
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("marks a deleted product", async () => {
    const { index, logger, lines } = await open();
    const target = products[3]!;
    expect(await deleteMerchantProduct(database.prisma, admin, target.id)).toBe(true);

    const result = await syncVectorIndex(database.prisma, index, { headerPath, logger });
    expect(result).toEqual({ marked: [target.id], added: [], rebuilt: false });
    expect(index.has(target.id)).toBe(false);
    expect(index.deletedCount).toBe(1);
    expect(index.size).toBe(PRODUCTS - 1);
    expect(index.search(target.vector, PRODUCTS).map((hit) => hit.label)).not.toContain(target.id);

    const line = lines.find((entry) => entry.msg === "Updated vector index from the catalogue");
    expect(line).toMatchObject({ marked: 1, markedIds: [target.id], added: 0, products: PRODUCTS - 1, deleted: 1 });

    const again = await syncVectorIndex(database.prisma, index, { headerPath, logger });
    expect(again).toEqual({ marked: [], added: [], rebuilt: false });
  });

  it("marks a draft and adds it back when published", async () => {
    const { index, logger } = await open();
    const target = products[5]!;
    await updateMerchantProduct(database.prisma, admin, target.id, { status: "draft" });

    expect((await syncVectorIndex(database.prisma, index, { headerPath, logger })).marked).toEqual([target.id]);
    expect(index.has(target.id)).toBe(false);

    await updateMerchantProduct(database.prisma, admin, target.id, { status: "published" });
    expect((await syncVectorIndex(database.prisma, index, { headerPath, logger })).added).toEqual([target.id]);
    expect(index.has(target.id)).toBe(true);
    expect(index.deletedCount).toBe(0);
    expect(index.search(target.vector, 1)[0]?.label).toBe(target.id);
  });

  it("marks products of a deleted shop and a replaced photo", async () => {
    const otherShop = (await database.prisma.merchant.create({ data: { slug: "other", name: "Other" } })).id;
    const otherProduct = await createProduct(otherShop, "other-1", products[0]!.vector);
    const { index, logger } = await open();
    expect(index.has(otherProduct)).toBe(true);

    // The shop's products go with it by cascade, and an import that replaces a photo deletes the old photo's embeddings.
    await database.prisma.merchant.delete({ where: { id: otherShop } });
    const replaced = products[7]!.id;
    await database.prisma.embedding.deleteMany({ where: { image: { productId: replaced } } });
    await database.prisma.productImage.updateMany({ where: { productId: replaced }, data: { status: "pending" } });

    const result = await syncVectorIndex(database.prisma, index, { headerPath, logger });
    expect(result.marked).toEqual([products[7]!.id, otherProduct].sort((a, b) => a - b));
    expect(index.has(otherProduct)).toBe(false);
    expect(index.has(replaced)).toBe(false);
  });

  it("marks a product deleted while closed without a rebuild", async () => {
    const first = await open();
    expect(first.rebuiltBecause?.kind).toBe("missing");
    const target = products[2]!;
    await deleteMerchantProduct(database.prisma, admin, target.id);

    const second = await open();
    expect(second.rebuiltBecause).toBeNull();
    expect(second.lines.some((line) => line.msg.startsWith("Rebuilding vector index"))).toBe(false);
    expect(second.index.has(target.id)).toBe(false);
    expect(second.index.deletedCount).toBe(1);
    expect(second.index.size).toBe(PRODUCTS - 1);
    await expectSavedIndexMatchesDatabase(second.index);

    const third = await open();
    expect(third.rebuiltBecause).toBeNull();
    expect(third.index.deletedCount).toBe(1);
    expect(third.lines.some((line) => line.msg === "Updated vector index from the catalogue")).toBe(false);
  });

  it("adds a product published while closed", async () => {
    const target = products[4]!;
    await updateMerchantProduct(database.prisma, admin, target.id, { status: "draft" });
    const first = await open();
    expect(first.index.has(target.id)).toBe(false);

    await updateMerchantProduct(database.prisma, admin, target.id, { status: "published" });
    const second = await open();
    expect(second.rebuiltBecause).toBeNull();
    expect(second.index.has(target.id)).toBe(true);
    await expectSavedIndexMatchesDatabase(second.index);
  });

  it("rebuilds once deleted elements reach the threshold", async () => {
    // 4 of 20 elements deleted reach a fraction of 0.2.
    const { index, logger, lines } = await open({ maxDeletedFraction: 0.2 });
    const deleted = products.slice(0, 4).map((product) => product.id);
    for (const productId of deleted.slice(0, 3)) await deleteMerchantProduct(database.prisma, admin, productId);
    expect((await syncVectorIndex(database.prisma, index, { headerPath, logger })).rebuilt).toBe(false);
    expect(index.deletedCount).toBe(3);

    await deleteMerchantProduct(database.prisma, admin, deleted[3]!);
    const result = await syncVectorIndex(database.prisma, index, { headerPath, logger });
    expect(result).toEqual({ marked: [deleted[3]], added: [], rebuilt: true });
    expect(index.deletedCount).toBe(0);
    expect(index.needsRebuild).toBe(false);
    expect(index.labels()).toEqual(await indexedProductIds(database.prisma, MODEL));
    expect(index.size).toBe(PRODUCTS - 4);
    for (const productId of deleted) expect(index.has(productId)).toBe(false);
    for (const product of products.slice(4)) expect(index.search(product.vector, 1)[0]?.label).toBe(product.id);

    const line = lines.find((entry) => entry.reason === "deleted-fraction");
    expect(line).toMatchObject({ msg: "Rebuilt and saved vector index: deleted elements reached the rebuild threshold", productsBefore: PRODUCTS - 4, deletedBefore: 4, products: PRODUCTS - 4 });
    await expectSavedIndexMatchesDatabase(index);

    // A full rebuild at start-up reads the same stored embeddings and leaves the deleted products out again.
    fs.rmSync(headerPath);
    const reopened = await open({ maxDeletedFraction: 0.2 });
    expect(reopened.rebuiltBecause?.kind).toBe("missing");
    expect(reopened.index.labels()).toEqual(products.slice(4).map((product) => product.id));
    expect(reopened.index.deletedCount).toBe(0);
  });
});
