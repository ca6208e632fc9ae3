import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readCatalogueRevision } from "@/lib/catalogue/revision";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import {
  countMerchantProducts,
  deleteMerchantProduct,
  getMerchantImportBatch,
  getMerchantJob,
  getMerchantProduct,
  listMerchantImportBatches,
  listMerchantProducts,
  merchantScope,
  TenancyError,
  updateMerchantProduct,
  type Actor,
} from "./tenancy";

describe("merchantScope", () => {
  it("limits a merchant to their shop and lets an admin see all", () => {
    expect(merchantScope({ id: "m", role: "merchant", merchantId: 7 })).toEqual({ merchantId: 7 });
    expect(merchantScope({ id: "a", role: "admin", merchantId: null })).toEqual({});
  });

  it("throws for a merchant without a shop", () => {
    expect(() => merchantScope({ id: "m", role: "merchant", merchantId: null })).toThrow(TenancyError);
  });
});

describe.each(testProviders())("tenancy helpers on %s", (provider) => {
  let database: TestDatabase;
  let alice: Actor;
  let bob: Actor;
  const admin: Actor = { id: "admin", role: "admin", merchantId: null };
  const ids = { aliceShirt: 0, aliceDraft: 0, bobShirt: 0, aliceBatch: 0, bobBatch: 0, aliceJob: 0, systemJob: 0 };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const prisma = database.prisma;
    const shopA = await prisma.merchant.create({ data: { slug: "alice", name: "Alice" } });
    const shopB = await prisma.merchant.create({ data: { slug: "bob", name: "Bob" } });
    alice = { id: "alice", role: "merchant", merchantId: shopA.id };
    bob = { id: "bob", role: "merchant", merchantId: shopB.id };

    ids.aliceShirt = (await prisma.product.create({ data: { merchantId: shopA.id, sku: "A1", title: "Alice shirt" } })).id;
    ids.aliceDraft = (await prisma.product.create({ data: { merchantId: shopA.id, sku: "A2", title: "Alice draft", status: "draft" } })).id;
    await prisma.product.create({ data: { merchantId: shopA.id, sku: "A3", title: "Alice gone", status: "deleted" } });
    ids.bobShirt = (await prisma.product.create({ data: { merchantId: shopB.id, sku: "B1", title: "Bob shirt" } })).id;

    ids.aliceBatch = (await prisma.importBatch.create({ data: { merchantId: shopA.id, source: "upload", location: "a" } })).id;
    ids.bobBatch = (await prisma.importBatch.create({ data: { merchantId: shopB.id, source: "upload", location: "b" } })).id;
    ids.aliceJob = (await prisma.job.create({ data: { type: "tag-image", merchantId: shopA.id } })).id;
    ids.systemJob = (await prisma.job.create({ data: { type: "rebuild-index" } })).id;
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("lists only the merchant's own products, deleted ones excluded", async () => {
    const products = await listMerchantProducts(database.prisma, alice);

    expect(products.map((product) => product.sku)).toEqual(["A1", "A2"]);
  });

  it("lists every shop's products for an admin, with an optional shop filter", async () => {
    const all = await listMerchantProducts(database.prisma, admin);
    const onlyBob = await listMerchantProducts(database.prisma, admin, { merchantId: bob.merchantId as number });

    expect(all.map((product) => product.sku)).toEqual(["A1", "A2", "B1"]);
    expect(onlyBob.map((product) => product.sku)).toEqual(["B1"]);
  });

  it("ignores a merchant's attempt to filter on another shop", async () => {
    const products = await listMerchantProducts(database.prisma, alice, { merchantId: bob.merchantId as number });

    expect(products.map((product) => product.sku)).toEqual(["A1", "A2"]);
  });

  it("filters by status and pages by id", async () => {
    const drafts = await listMerchantProducts(database.prisma, alice, { status: "draft" });
    const firstPage = await listMerchantProducts(database.prisma, alice, { limit: 1 });
    const secondPage = await listMerchantProducts(database.prisma, alice, { limit: 1, afterId: firstPage[0]?.id });

    expect(drafts.map((product) => product.sku)).toEqual(["A2"]);
    expect(firstPage.map((product) => product.sku)).toEqual(["A1"]);
    expect(secondPage.map((product) => product.sku)).toEqual(["A2"]);
  });

  it("counts per shop", async () => {
    expect(await countMerchantProducts(database.prisma, alice)).toBe(2);
    expect(await countMerchantProducts(database.prisma, bob)).toBe(1);
    expect(await countMerchantProducts(database.prisma, admin)).toBe(3);
  });

  it("hides another merchant's product", async () => {
    expect(await getMerchantProduct(database.prisma, alice, ids.bobShirt)).toBeUndefined();
    expect((await getMerchantProduct(database.prisma, bob, ids.bobShirt))?.sku).toBe("B1");
    expect((await getMerchantProduct(database.prisma, admin, ids.bobShirt))?.sku).toBe("B1");
  });

  it("does not let a merchant change another merchant's product", async () => {
    const revisionBefore = await readCatalogueRevision(database.prisma);

    const result = await updateMerchantProduct(database.prisma, alice, ids.bobShirt, { title: "Hijacked", status: "draft" });

    expect(result).toBeUndefined();
    const stored = await database.prisma.product.findUniqueOrThrow({ where: { id: ids.bobShirt } });
    expect(stored.title).toBe("Bob shirt");
    expect(stored.status).toBe("published");
    expect(await readCatalogueRevision(database.prisma)).toBe(revisionBefore);
  });

  it("does not let a merchant delete another merchant's product", async () => {
    expect(await deleteMerchantProduct(database.prisma, alice, ids.bobShirt)).toBe(false);

    const stored = await database.prisma.product.findUniqueOrThrow({ where: { id: ids.bobShirt } });
    expect(stored.status).toBe("published");
    expect(stored.deletedAt).toBeNull();
  });

  it("changes the merchant's own product and bumps the catalogue revision", async () => {
    const revisionBefore = await readCatalogueRevision(database.prisma);

    const result = await updateMerchantProduct(database.prisma, alice, ids.aliceDraft, { status: "published", title: "Alice blouse" });

    expect(result).toMatchObject({ id: ids.aliceDraft, status: "published", title: "Alice blouse" });
    expect(await readCatalogueRevision(database.prisma)).toBe(revisionBefore + 1);
  });

  it("marks the merchant's own product deleted once", async () => {
    expect(await deleteMerchantProduct(database.prisma, alice, ids.aliceDraft)).toBe(true);
    expect(await deleteMerchantProduct(database.prisma, alice, ids.aliceDraft)).toBe(false);

    const stored = await database.prisma.product.findUniqueOrThrow({ where: { id: ids.aliceDraft } });
    expect(stored.status).toBe("deleted");
    expect(stored.deletedAt).not.toBeNull();
    expect(await updateMerchantProduct(database.prisma, alice, ids.aliceDraft, { status: "published" })).toBeUndefined();
  });

  it("scopes import batches", async () => {
    expect(await getMerchantImportBatch(database.prisma, alice, ids.bobBatch)).toBeUndefined();
    expect((await getMerchantImportBatch(database.prisma, bob, ids.bobBatch))?.id).toBe(ids.bobBatch);
    expect((await listMerchantImportBatches(database.prisma, alice)).map((batch) => batch.id)).toEqual([ids.aliceBatch]);
    expect(await listMerchantImportBatches(database.prisma, admin)).toHaveLength(2);
  });

  it("scopes jobs, leaving system jobs to admins", async () => {
    expect((await getMerchantJob(database.prisma, alice, ids.aliceJob))?.id).toBe(ids.aliceJob);
    expect(await getMerchantJob(database.prisma, bob, ids.aliceJob)).toBeUndefined();
    expect(await getMerchantJob(database.prisma, alice, ids.systemJob)).toBeUndefined();
    expect((await getMerchantJob(database.prisma, admin, ids.systemJob))?.id).toBe(ids.systemJob);
  });
});
