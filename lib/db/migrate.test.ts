import { afterAll, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

describe.each(testProviders())("migrations on %s", (provider) => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((database) => database.drop()));
  });

  it("creates every model's table", async () => {
    const database = await createTestDatabase(provider);
    opened.push(database);
    const merchant = await database.prisma.merchant.create({ data: { slug: "acme", name: "Acme" } });
    const product = await database.prisma.product.create({
      data: { merchantId: merchant.id, sku: "1", title: "Acme Men Striped Shirt" },
    });

    expect(product.status).toBe("published");
    expect(await database.prisma.job.count()).toBe(0);
    expect(await database.prisma.evaluationRun.count()).toBe(0);
  });
});
