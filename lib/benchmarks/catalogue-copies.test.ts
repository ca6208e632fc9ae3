import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createEmbeddedProduct } from "../vector-index/testing/embedded-products";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";
import { catalogueIdOffset, insertProductCopies } from "./catalogue-copies";

describe.each(testProviders())("catalogue copies on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const merchantId = (await database.prisma.merchant.create({ data: { slug: "acme", name: "Acme" } })).id;
    for (const sku of ["A-1", "B-2"]) {
      await createEmbeddedProduct(database.prisma, { merchantId, sku, modelId: "m", vector: Float32Array.of(1, 0) });
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("rejects an empty catalogue offset", async () => {
    const empty = await createTestDatabase(provider);
    try {
      await expect(catalogueIdOffset(empty)).rejects.toThrow("The benchmark catalogue has no products; rerun with --rebuild");
    } finally {
      await empty.drop();
    }
  });

  it("copies products and images with shifted ids", async () => {
    const offset = await catalogueIdOffset(database);
    await database.prisma.$transaction(async (tx) => {
      await insertProductCopies(tx, offset, 1);
      await insertProductCopies(tx, offset, 2);
    });

    const products = await database.prisma.product.findMany({ orderBy: { id: "asc" }, select: { id: true, sku: true } });
    expect(products.map((product) => product.sku)).toEqual(["A-1", "B-2", "A-1-copy1", "B-2-copy1", "A-1-copy2", "B-2-copy2"]);
    expect(products[2]!.id).toBe(products[0]!.id + offset);
    expect(products[4]!.id).toBe(products[0]!.id + 2 * offset);
    const images = await database.prisma.productImage.findMany({ select: { productId: true, storageKey: true } });
    expect(images).toHaveLength(6);
    expect(images.filter((image) => image.storageKey === "images/A-1.jpg").map((image) => image.productId).sort((a, b) => a - b)).toEqual([
      products[0]!.id,
      products[2]!.id,
      products[4]!.id,
    ]);
  });
});
