import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { getProduct, listCategories, listNewArrivals } from "./queries";

describe.each(testProviders())("catalogue queries on %s", (provider) => {
  let database: TestDatabase;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const prisma = database.prisma;
    const merchant = await prisma.merchant.create({ data: { slug: "shop", name: "Shop" } });

    const texture = await prisma.attributeGroup.create({ data: { key: "texture", kind: "multi", position: 4 } });
    const colour = await prisma.attributeGroup.create({ data: { key: "colour", kind: "single", position: 0 } });
    const striped = await prisma.attribute.create({ data: { groupId: texture.id, value: "striped" } });
    const checked = await prisma.attribute.create({ data: { groupId: texture.id, value: "checked" } });
    const blue = await prisma.attribute.create({ data: { groupId: colour.id, value: "Blue" } });

    // createdAt is set explicitly so "newest first" does not depend on insert timing.
    const rows = [
      { key: "shirt", sku: "1", title: "Striped Blue Shirt", category: "Shirts", createdAt: new Date("2024-01-01") },
      { key: "shirt2", sku: "2", title: "Checked Shirt", category: "Shirts", createdAt: new Date("2024-01-03") },
      { key: "tee", sku: "3", title: "Plain Tee", category: "Tshirts", createdAt: new Date("2024-01-02") },
      { key: "draft", sku: "4", title: "Draft Shoe", category: "Shoes", status: "draft", createdAt: new Date("2024-01-05") },
      { key: "deleted", sku: "5", title: "Old Shoe", category: "Shoes", status: "deleted", createdAt: new Date("2024-01-06") },
    ];
    for (const { key, ...data } of rows) {
      const product = await prisma.product.create({
        data: { merchantId: merchant.id, brand: "Acme", colour: "Blue", year: 2012, ...data },
      });
      ids[key] = product.id;
    }

    const image = { contentHash: "h", byteSize: 1, width: 225, height: 300, format: "jpeg" };
    await prisma.productImage.createMany({
      data: [
        { ...image, productId: ids.shirt!, position: 1, storageKey: "originals/bb/b.jpg", thumbnailKey: "thumbs/bb/b.webp" },
        { ...image, productId: ids.shirt!, position: 0, storageKey: "originals/aa/a.jpg", thumbnailKey: "thumbs/aa/a.webp" },
        { ...image, productId: ids.shirt2!, position: 0, storageKey: "originals/cc/c.jpg", thumbnailKey: "thumbs/cc/c.webp" },
      ],
    });

    await prisma.productAttribute.createMany({
      data: [
        { productId: ids.shirt!, attributeId: striped.id, source: "model", score: 0.9 },
        { productId: ids.shirt!, attributeId: striped.id, source: "title" },
        { productId: ids.shirt!, attributeId: checked.id, source: "model", score: 0.2 },
        { productId: ids.shirt!, attributeId: blue.id, source: "merchant", verified: true },
      ],
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("getProduct returns images in position order", async () => {
    const product = await getProduct(ids.shirt!, database);

    expect(product?.title).toBe("Striped Blue Shirt");
    expect(product?.images.map((image) => image.url)).toEqual(["/media/originals/aa/a.jpg", "/media/originals/bb/b.jpg"]);
    expect(product?.images[0]?.thumbnailUrl).toBe("/media/thumbs/aa/a.webp");
  });

  it("getProduct orders attributes by group, value, source", async () => {
    const product = await getProduct(ids.shirt!, database);

    expect(product?.attributes).toEqual([
      { group: "colour", value: "Blue", source: "merchant", score: null, verified: true },
      { group: "texture", value: "checked", source: "model", score: 0.2, verified: false },
      { group: "texture", value: "striped", source: "title", score: null, verified: false },
      { group: "texture", value: "striped", source: "model", score: 0.9, verified: false },
    ]);
  });

  it.each([
    ["a missing id", 999_999],
    ["zero", 0],
    ["a negative id", -1],
    ["a fraction", 1.5],
    ["NaN", Number.NaN],
  ])("getProduct returns undefined for %s", async (_case, id) => {
    expect(await getProduct(id, database)).toBeUndefined();
  });

  it("getProduct hides unpublished products", async () => {
    expect(await getProduct(ids.draft!, database)).toBeUndefined();
    expect(await getProduct(ids.deleted!, database)).toBeUndefined();
  });

  it("listCategories counts published products", async () => {
    expect(await listCategories(10, database)).toEqual([
      { category: "Shirts", count: 2 },
      { category: "Tshirts", count: 1 },
    ]);
  });

  it("listCategories respects the limit", async () => {
    expect(await listCategories(1, database)).toEqual([{ category: "Shirts", count: 2 }]);
  });

  it("listNewArrivals lists published products newest first", async () => {
    const arrivals = await listNewArrivals(10, database);

    expect(arrivals.map((product) => product.title)).toEqual(["Checked Shirt", "Plain Tee", "Striped Blue Shirt"]);
    expect(arrivals[0]?.thumbnailUrl).toBe("/media/thumbs/cc/c.webp");
    expect(arrivals[1]?.thumbnailUrl).toBeNull();
    expect(arrivals[2]?.thumbnailUrl).toBe("/media/thumbs/aa/a.webp");
  });
});
