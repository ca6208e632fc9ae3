import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DatabaseProvider } from "@/lib/db/config";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";
import { createTestDataset, STYLES_HEADER, type TestDataset } from "@/tests/fixtures/catalogue/dataset";

import { CatalogueImportError } from "./errors";
import { importDataset, type ImportOptions } from "./importer";
import { readCatalogueRevision } from "./revision";
import { DATASET_MERCHANT_SLUG } from "./types";

/** The rows of the main test catalogue; line numbers in comments count the header as line 1. */
const STYLES =
  "\uFEFF" +
  [
    STYLES_HEADER,
    // line 2
    "1001,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Acme Men Striped Slim Fit Shirt",
    // line 3: unquoted comma in the title
    "1002,Women,Apparel,Topwear,Tops,Red,Summer,2012,Casual,Acme Women Red, Blue Floral Print Top",
    // lines 4-5: quotes and a line break inside a quoted title
    '1003,Men,Apparel,Topwear,Jackets,Blue,Winter,2012,Casual,"Acme Men ""Trail"" Denim\nJacket"',
    // line 6: empty fields
    "1004,,,,,,,,,Acme Unisex Cotton Scarf",
    // line 7: no image file
    "1005,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Acme Men Missing Shirt",
    // line 8: an image file that is not an image
    "1006,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Acme Men Broken Shirt",
    // line 9: duplicate id
    "1001,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Acme Men Duplicate Shirt",
    // line 10: a title that a spreadsheet would run as a formula
    "=1007,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Acme Men Formula Shirt",
  ].join("\n") +
  "\n";

async function outcomesOf(database: TestDatabase, batchId: number) {
  const rows = await database.prisma.importRowOutcome.findMany({
    where: { batchId },
    orderBy: { rowNumber: "asc" },
    select: { rowNumber: true, sku: true, outcome: true, reason: true },
  });
  return rows.map((row) => [row.rowNumber, row.sku, row.outcome, row.reason]);
}

async function titleAttributes(database: TestDatabase, sku: string) {
  const rows = await database.prisma.productAttribute.findMany({
    where: { product: { sku }, source: "title" },
    select: { attribute: { select: { value: true, group: { select: { key: true } } } } },
  });
  return rows.map((row) => `${row.attribute.group.key}:${row.attribute.value}`).sort();
}

/** Product ids whose search document matches one word. */
async function searchWord(database: TestDatabase, provider: DatabaseProvider, word: string): Promise<number[]> {
  if (provider === "sqlite") {
    const rows = await database.prisma.$queryRawUnsafe<{ id: number | bigint }[]>(
      `SELECT rowid AS id FROM "ProductSearch" WHERE "ProductSearch" MATCH ? ORDER BY rowid`,
      word,
    );
    return rows.map((row) => Number(row.id));
  }
  const rows = await database.prisma.$queryRawUnsafe<{ id: number }[]>(
    `SELECT "productId" AS id FROM "ProductSearch" WHERE document @@ plainto_tsquery('english', $1) ORDER BY 1`,
    word,
  );
  return rows.map((row) => Number(row.id));
}

function mtimes(dir: string): Map<string, number> {
  const times = new Map<string, number>();
  if (!fs.existsSync(dir)) return times;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      times.set(file, fs.statSync(file).mtimeMs);
    }
  }
  return times;
}

describe.each(testProviders())("importDataset on %s", (provider) => {
  let database: TestDatabase;
  let dataset: TestDataset;
  let options: ImportOptions;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dataset = createTestDataset();
    dataset.writeStyles(STYLES);
    for (const sku of ["1001", "1002", "1003", "1004", "=1007"]) await dataset.writeImage(sku);
    dataset.writeFile("images/1006.jpg", "this is not a JPEG");
    options = {
      database,
      datasetDir: dataset.datasetDir,
      imageStoreDir: dataset.storeDir,
      reportsDir: dataset.reportsDir,
      taxonomyDir: dataset.taxonomyDir,
    };
  });

  afterAll(async () => {
    await database?.drop();
    dataset?.remove();
  });

  it("imports valid rows and reports the rest", async () => {
    const summary = await importDataset(options);

    expect(summary).toMatchObject({ rowsTotal: 8, imported: 4, updated: 0, unchanged: 0, skipped: 4 });
    expect(await outcomesOf(database, summary.batchId)).toEqual([
      [2, "1001", "imported", null],
      [3, "1002", "imported", null],
      [4, "1003", "imported", null],
      [6, "1004", "imported", null],
      [7, "1005", "skipped", "image not found: images/1005.jpg"],
      [8, "1006", "skipped", expect.stringMatching(/^images\/1006\.jpg: not a decodable image/)],
      [9, "1001", "skipped", 'duplicate id "1001": line 2 has the same id and is the one imported'],
      [10, "=1007", "skipped", expect.stringContaining('id "=1007" is invalid')],
    ]);

    const products = await database.prisma.product.findMany({ orderBy: { sku: "asc" } });
    expect(products.map((product) => [product.sku, product.title, product.brand])).toEqual([
      ["1001", "Acme Men Striped Slim Fit Shirt", "Acme"],
      ["1002", "Acme Women Red, Blue Floral Print Top", "Acme"],
      ["1003", 'Acme Men "Trail" Denim Jacket', "Acme"],
      ["1004", "Acme Unisex Cotton Scarf", "Acme"],
    ]);
    expect(products[0]).toMatchObject({ category: "Shirts", colour: "Blue", gender: "Men", year: 2011, status: "published" });
    expect(products[3]).toMatchObject({ gender: null, category: null, colour: null, year: null });

    expect(await titleAttributes(database, "1001")).toEqual(["shape:slim", "texture:striped"]);
    expect(await titleAttributes(database, "1002")).toEqual(["texture:floral print"]);
    expect(await titleAttributes(database, "1003")).toEqual(["fabric:denim"]);

    const images = await database.prisma.productImage.findMany({ select: { status: true, thumbnailKey: true, format: true } });
    expect(images).toHaveLength(4);
    for (const image of images) {
      expect(image.status).toBe("pending");
      expect(image.format).toBe("jpeg");
      expect(fs.existsSync(path.join(dataset.storeDir, image.thumbnailKey))).toBe(true);
    }

    const merchant = await database.prisma.merchant.findUniqueOrThrow({ where: { slug: DATASET_MERCHANT_SLUG } });
    expect(merchant.name).toBe("StyleLens Demo");
    const groups = await database.prisma.attributeGroup.findMany({ orderBy: { position: "asc" }, select: { key: true, kind: true } });
    expect(groups.map((group) => `${group.key}:${group.kind}`)).toEqual([
      "colour:single", "gender:single", "season:single", "usage:single",
      "texture:multi", "fabric:multi", "shape:multi", "part:multi", "style:multi",
    ]);

    const batch = await database.prisma.importBatch.findUniqueOrThrow({ where: { id: summary.batchId } });
    expect(batch).toMatchObject({ source: "dataset", status: "done", rowsTotal: 8, imported: 4, skipped: 4 });
    expect(batch.location).toBe(dataset.datasetDir);
    expect(batch.reportKey).toBe(path.basename(summary.reportPath));
    expect(batch.finishedAt).not.toBeNull();

    expect(await searchWord(database, provider, "striped")).toEqual([products[0]?.id]);
    expect(await readCatalogueRevision(database.prisma)).toBeGreaterThan(0);
  });

  it("writes a report that spreadsheets cannot run", async () => {
    const batch = await database.prisma.importBatch.findFirstOrThrow({ orderBy: { id: "desc" } });
    const report = fs.readFileSync(path.join(dataset.reportsDir, batch.reportKey as string), "utf8").split("\r\n");

    expect(report[0]).toBe("row,sku,outcome,reason");
    expect(report[1]).toBe("2,1001,imported,");
    expect(report[8]).toMatch(/^10,'=1007,skipped,"id ""=1007"" is invalid/);
  });

  it("changes nothing when run again", async () => {
    const before = mtimes(dataset.storeDir);
    const revision = await readCatalogueRevision(database.prisma);

    const summary = await importDataset(options);

    expect(summary).toMatchObject({ imported: 0, updated: 0, unchanged: 4, skipped: 4 });
    expect(await database.prisma.product.count()).toBe(4);
    expect(await database.prisma.productImage.count()).toBe(4);
    expect(await database.prisma.productAttribute.count()).toBe(5);
    expect(mtimes(dataset.storeDir)).toEqual(before);
    expect(await readCatalogueRevision(database.prisma)).toBe(revision);
  });

  it("updates a changed title and refreshes attributes and search", async () => {
    await database.prisma.productImage.updateMany({ where: { product: { sku: "1001" } }, data: { status: "tagged" } });
    dataset.writeStyles(STYLES.replace("Acme Men Striped Slim Fit Shirt", "Acme Men Checked Shirt"));

    const summary = await importDataset(options);

    expect(summary).toMatchObject({ imported: 0, updated: 1, unchanged: 3, skipped: 4 });
    expect((await outcomesOf(database, summary.batchId))[0]).toEqual([2, "1001", "updated", "changed: title, title attributes"]);
    expect(await titleAttributes(database, "1001")).toEqual(["texture:checked"]);
    const product = await database.prisma.product.findFirstOrThrow({ where: { sku: "1001" }, include: { images: true } });
    expect(product.title).toBe("Acme Men Checked Shirt");
    // The picture is the same, so its tagging status is kept.
    expect(product.images[0]?.status).toBe("tagged");
    expect(await searchWord(database, provider, "checked")).toEqual([product.id]);
    expect(await searchWord(database, provider, "striped")).toEqual([]);
  });

  it("marks a changed image pending and drops its embeddings", async () => {
    const image = await database.prisma.productImage.findFirstOrThrow({ where: { product: { sku: "1002" } } });
    await database.prisma.productImage.update({ where: { id: image.id }, data: { status: "tagged" } });
    await database.prisma.embedding.create({
      data: { imageId: image.id, modelId: "test", dimension: 1, vector: new Uint8Array(4) },
    });
    await dataset.writeImage("1002", { colour: "#cc3300" });

    const summary = await importDataset(options);

    expect(summary).toMatchObject({ updated: 1, unchanged: 3 });
    const after = await database.prisma.productImage.findUniqueOrThrow({ where: { id: image.id } });
    expect(after.contentHash).not.toBe(image.contentHash);
    expect(after.status).toBe("pending");
    expect(await database.prisma.embedding.count({ where: { imageId: image.id } })).toBe(0);
  });

  it("leaves deleted products deleted", async () => {
    await database.prisma.product.updateMany({ where: { sku: "1004" }, data: { status: "deleted" } });

    const summary = await importDataset({ ...options, limit: 5 });

    expect(summary.rowsTotal).toBe(5);
    const outcomes = await outcomesOf(database, summary.batchId);
    expect(outcomes[3]).toEqual([6, "1004", "skipped", expect.stringContaining("is deleted")]);
    expect((await database.prisma.product.findFirstOrThrow({ where: { sku: "1004" } })).status).toBe("deleted");
  });
});

describe.each(testProviders())("importDataset errors on %s", (provider) => {
  let database: TestDatabase;
  let dataset: TestDataset;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dataset = createTestDataset();
  });

  afterAll(async () => {
    await database?.drop();
    dataset?.remove();
  });

  it("writes nothing when a required column is missing", async () => {
    dataset.writeStyles("id,gender,articleType\n1,Men,Shirts\n");
    await dataset.writeImage("1");

    const error = await importDataset({
      database,
      datasetDir: dataset.datasetDir,
      imageStoreDir: dataset.storeDir,
      reportsDir: dataset.reportsDir,
      taxonomyDir: dataset.taxonomyDir,
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CatalogueImportError);
    expect((error as Error).message).toContain('Missing required column "productDisplayName"');
    expect((error as Error).message).toContain(path.join(dataset.datasetDir, "styles.csv"));
    expect(await database.prisma.product.count()).toBe(0);
    expect(await database.prisma.importBatch.count()).toBe(0);
    expect(await database.prisma.merchant.count()).toBe(0);
    expect(fs.existsSync(dataset.storeDir)).toBe(false);
  });

  it("imports without an attribute list", async () => {
    const previous = process.env.STYLELENS_TAXONOMY_DIR;
    process.env.STYLELENS_TAXONOMY_DIR = path.join(dataset.root, "no-taxonomy");
    dataset.writeStyles(`${STYLES_HEADER}\n1,Men,,,,,,,,Acme Men Striped Shirt\n`);
    try {
      const summary = await importDataset({
        database,
        datasetDir: dataset.datasetDir,
        imageStoreDir: dataset.storeDir,
        reportsDir: dataset.reportsDir,
      });

      expect(summary.imported).toBe(1);
      expect(await database.prisma.productAttribute.count()).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.STYLELENS_TAXONOMY_DIR;
      else process.env.STYLELENS_TAXONOMY_DIR = previous;
    }
  });

  it("rejects an explicit attribute folder that is missing", async () => {
    await expect(
      importDataset({ database, datasetDir: dataset.datasetDir, taxonomyDir: path.join(dataset.root, "absent") }),
    ).rejects.toThrow(/^Cannot load the attribute list from .*absent/);
  });

  it("rejects a missing folder", async () => {
    await expect(
      importDataset({ database, datasetDir: path.join(dataset.root, "absent"), taxonomyDir: dataset.taxonomyDir }),
    ).rejects.toThrow(/^Dataset folder not found: .*absent/);
  });
});
