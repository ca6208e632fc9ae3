import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";
import { enqueueUntaggedImages } from "./tagging-loop";

describe.each(testProviders())("enqueueUntaggedImages on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const merchantId = (await database.prisma.merchant.create({ data: { slug: "acme", name: "Acme" } })).id;
    for (const [sku, status] of [["LIVE-1", "published"], ["DRAFT-1", "draft"], ["GONE-1", "deleted"]] as const) {
      const { id } = await database.prisma.product.create({ data: { merchantId, sku, title: sku, status } });
      await database.prisma.productImage.create({
        data: {
          productId: id,
          contentHash: `hash-${sku}`,
          byteSize: 1,
          width: 1,
          height: 1,
          format: "jpeg",
          storageKey: `images/${sku}.jpg`,
          thumbnailKey: `thumbs/${sku}.webp`,
        },
      });
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("skips photos of deleted products", async () => {
    expect(await enqueueUntaggedImages(database, "model-a")).toBe(2);

    const jobs = await database.prisma.job.findMany({ select: { image: { select: { product: { select: { sku: true } } } } } });
    expect(jobs.map((job) => job.image?.product.sku).sort()).toEqual(["DRAFT-1", "LIVE-1"]);
  });
});
