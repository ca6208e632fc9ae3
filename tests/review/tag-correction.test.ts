/**
 * Tag review through the API: the review shows the model's predictions, and
 * accepted or corrected tags change the search facets (read through
 * searchProducts) while the model's rows stay for evaluation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as getTags, PUT as putTags } from "@/app/api/merchant/products/[id]/tags/route";
import { readCatalogueRevision } from "@/lib/catalogue/revision";
import { searchProducts } from "@/lib/search";
import { testProviders } from "@/tests/helpers/databases";
import { createUploadTestEnvironment, type TestAccount, type UploadTestEnvironment } from "@/tests/uploads/support/environment";
import { jpeg } from "@/tests/uploads/support/images";
import { getRequest, jsonRequest } from "@/tests/uploads/support/requests";

const CSV = [
  "sku,title,category,colour,image",
  "TEE-1,Acme Men Striped Cotton T-shirt,Tshirts,Blue,tee-1.jpg",
  "TEE-2,Acme Men Cotton T-shirt,Tshirts,Blue,tee-2.jpg",
  "TEE-3,Acme Men Checked T-shirt,Tshirts,Red,tee-3.jpg",
].join("\n");

const idParams = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });

describe.each(testProviders())("tag correction on %s", (provider) => {
  let env: UploadTestEnvironment;
  let merchant: TestAccount;
  let productId: number;

  async function facets() {
    const response = await searchProducts({ q: "", filters: {}, sort: "newest", page: 1, hitsPerPage: 10 }, env.database);
    return response.facetDistribution;
  }

  async function put(body: unknown, id = productId, account = merchant) {
    return putTags(jsonRequest(`/api/merchant/products/${id}/tags`, "PUT", body, account.cookie), idParams(id));
  }

  beforeAll(async () => {
    env = await createUploadTestEnvironment(provider);
    merchant = await env.createMerchant("tees");
    const response = await env.upload(merchant, {
      catalogue: { name: "tees.csv", data: CSV },
      images: await Promise.all(["tee-1", "tee-2", "tee-3"].map(async (name, index) => ({ name: `${name}.jpg`, data: await jpeg(`#10${index}0${index}0`) }))),
    });
    expect(response.status).toBe(202);
    await env.runImports();

    const { prisma } = env.database;
    const product = await prisma.product.findFirstOrThrow({ where: { sku: "TEE-1" }, select: { id: true, images: { select: { id: true } } } });
    productId = product.id;
    const imageId = product.images[0]?.id as number;

    // What the vision worker writes: a Prediction and "model" attribute rows with scores.
    await prisma.prediction.create({
      data: {
        imageId,
        modelId: "test-model",
        categoryTopK: JSON.stringify([
          { category: "Tops", score: 0.05 },
          { category: "Shirts", score: 0.7 },
          { category: "Tshirts", score: 0.2 },
          { category: "Jeans", score: 0.01 },
        ]),
        attributeScores: Buffer.alloc(0),
      },
    });
    const colourGroup = await prisma.attributeGroup.findUniqueOrThrow({ where: { key: "colour" } });
    const navy = await prisma.attribute.create({ data: { groupId: colourGroup.id, value: "Navy Blue" } });
    const checked = await prisma.attribute.findFirstOrThrow({ where: { value: "checked", group: { key: "texture" } } });
    await prisma.productAttribute.createMany({
      data: [
        { productId, attributeId: navy.id, source: "model", score: 0.8 },
        { productId, attributeId: checked.id, source: "model", score: 0.6 },
      ],
    });
    await prisma.productImage.update({ where: { id: imageId }, data: { status: "tagged" } });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it("shows top-3 categories and scores", async () => {
    const response = await getTags(getRequest(`/api/merchant/products/${productId}/tags`, merchant.cookie), idParams(productId));
    expect(response.status).toBe(200);
    const { review } = await response.json();

    expect(review.modelId).toBe("test-model");
    const group = (key: string) => review.groups.find((item: { key: string }) => item.key === key);
    expect(group("category")).toMatchObject({
      current: ["Tshirts"],
      verified: false,
      predictions: [
        { value: "Shirts", score: 0.7 },
        { value: "Tshirts", score: 0.2 },
        { value: "Tops", score: 0.05 },
      ],
    });
    expect(group("colour")).toMatchObject({ current: ["Blue"], verified: false, predictions: [{ value: "Navy Blue", score: 0.8 }] });
    // Title words and the model's guess above the facet threshold both count until the merchant decides.
    expect(group("texture")).toMatchObject({ current: ["checked", "striped"], fromTitle: ["striped"], predictions: [{ value: "checked", score: 0.6 }] });
  });

  it("colour correction changes facet", async () => {
    expect((await facets()).colour).toEqual({ Blue: 2, Red: 1 });
    const revision = await readCatalogueRevision(env.database.prisma);

    const response = await put({ colour: "Red" });

    expect(response.status).toBe(200);
    expect((await response.json()).changedGroups).toEqual(["colour"]);
    expect((await facets()).colour).toEqual({ Blue: 1, Red: 2 });
    expect(await readCatalogueRevision(env.database.prisma)).toBe(revision + 1);
    const hits = await searchProducts({ q: "red", filters: {}, sort: "newest", page: 1, hitsPerPage: 10 }, env.database);
    expect(hits.hits.map((hit) => hit.sku).sort()).toEqual(["TEE-1", "TEE-3"]);
  });

  it("keeps model rows, verifies correction", async () => {
    const rows = await env.database.prisma.productAttribute.findMany({
      where: { productId, attribute: { group: { key: "colour" } } },
      select: { source: true, score: true, verified: true, attribute: { select: { value: true } } },
      orderBy: { source: "asc" },
    });

    expect(rows.map((row) => [row.attribute.value, row.source, row.score, row.verified])).toEqual([
      ["Red", "merchant", null, true],
      ["Navy Blue", "model", 0.8, false],
    ]);
    expect(await env.database.prisma.prediction.count({ where: { image: { productId } } })).toBe(1);
  });

  it("verified texture wins in facets", async () => {
    expect((await facets()).texture).toEqual({ checked: 2, striped: 1 });

    const response = await put({ texture: ["striped"] });

    expect(response.status).toBe(200);
    expect((await facets()).texture).toEqual({ checked: 1, striped: 1 });
  });

  it("accepted category changes facet", async () => {
    const response = await put({ category: ["Shirts"] });

    expect(response.status).toBe(200);
    expect((await facets()).category).toEqual({ Shirts: 1, Tshirts: 2 });
    const { review } = await response.json();
    expect(review.groups[0]).toMatchObject({ key: "category", current: ["Shirts"], verified: true });
  });

  it("rejects invalid corrections", async () => {
    const cases: [unknown, string][] = [
      [{ texture: ["sparkly"] }, 'texture: Unknown texture value: "sparkly".'],
      [{ colour: ["Red", "Blue"] }, "colour: colour takes exactly one value, but the request has 2; send one."],
      [{ flavour: ["sweet"] }, 'flavour: Unknown tag group "flavour".'],
      [{}, "Send at least one tag group to correct."],
    ];
    for (const [body, message] of cases) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect((await response.json()).error.message).toBe(message);
    }
    expect((await facets()).colour).toEqual({ Blue: 1, Red: 2 });
  });

  it("answers 404 to another merchant", async () => {
    const other = await env.createMerchant("other-shop");

    const read = await getTags(getRequest(`/api/merchant/products/${productId}/tags`, other.cookie), idParams(productId));
    const write = await put({ colour: "Green" }, productId, other);

    expect(read.status).toBe(404);
    expect(write.status).toBe(404);
    expect((await facets()).colour).toEqual({ Blue: 1, Red: 2 });
  });
});
