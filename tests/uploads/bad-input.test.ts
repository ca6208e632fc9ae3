/**
 * The bad-input suite: every hostile or broken input is made by the test,
 * sent through POST /api/merchant/uploads and imported by the real worker.
 * Each must end with a clear per-row or per-file reason in the report, and a
 * rejected row must leave no product behind.
 */
import fs from "node:fs";
import path from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as reportRoute } from "@/app/api/merchant/uploads/[id]/report/route";
import { GET as progressRoute } from "@/app/api/merchant/uploads/[id]/route";
import { imageStoreDir } from "@/lib/config";
import { testProviders } from "@/tests/helpers/databases";

import { createUploadTestEnvironment, type TestAccount, type UploadTestEnvironment } from "./support/environment";
import { cmykJpeg, exifRotatedJpeg, heicHeader, jpeg, png16Bit, pngDeclaring, pngWithAlpha, tiff, truncatedJpeg } from "./support/images";
import { getRequest } from "./support/requests";
import { buildZip } from "./support/zip-writer";

const TEMPLATE_HEADER = "sku,title,brand,gender,masterCategory,subCategory,category,colour,season,usage,year,image";

function row(sku: string, title: string, image: string, colour = "Blue"): string {
  return [sku, title, "Acme", "Men", "Apparel", "Topwear", "Shirts", colour, "Summer", "Casual", "2024", image].join(",");
}

const idParams = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });

async function readReport(account: TestAccount, batchId: number): Promise<string[]> {
  const response = await reportRoute(getRequest(`/api/merchant/uploads/${batchId}/report`, account.cookie), idParams(batchId));
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  // A UTF-8 byte-order mark, so spreadsheets read the file as UTF-8.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return bytes.subarray(3).toString("utf8").split("\r\n").filter((line) => line !== "");
}

async function batchIdOf(response: Response): Promise<number> {
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(202);
  return body.batchId as number;
}

describe.each(testProviders())("bad-input uploads on %s", (provider) => {
  let env: UploadTestEnvironment;
  let merchant: TestAccount;

  beforeAll(async () => {
    env = await createUploadTestEnvironment(provider);
    merchant = await env.createMerchant("acme");
  });

  afterAll(async () => {
    await env?.teardown();
  });

  describe("a catalogue with one problem per row", () => {
    let batchId: number;
    let report: string[];

    beforeAll(async () => {
      const csv =
        "\uFEFF" +
        [
          TEMPLATE_HEADER,
          // line 2, continued on line 3: quoted commas, quotes and a line break
          'GOOD-1,"Acme Men ""Oxford"", Blue\nStriped Shirt",Acme,Men,Apparel,Topwear,Shirts,Blue,Summer,Casual,2024,shirts/good.jpg',
          row("ZERO-1", "Acme Men Empty Shirt", "zero.jpg"), // line 4
          row("TEXT-1", "Acme Men Text Shirt", "text.jpg"), // line 5
          row("TRUNC-1", "Acme Men Truncated Shirt", "truncated.jpg"), // line 6
          row("ALPHA-1", "Acme Men Alpha Shirt", "alpha.png"), // line 7
          row("CMYK-1", "Acme Men Cmyk Shirt", "cmyk.jpg"), // line 8
          row("ROT-1", "Acme Men Rotated Shirt", "photos/rotated.jpg"), // line 9
          row("HUGE-1", "Acme Men Huge Shirt", "huge.png"), // line 10
          row("TIFF-1", "Acme Men Tiff Shirt", "photo.tiff"), // line 11
          row("HEIC-1", "Acme Men Heic Shirt", "photo.heic"), // line 12
          row("DEEP-1", "Acme Men Deep Shirt", "deep.png"), // line 13
          row("GOOD-1", "Acme Men Duplicate Shirt", "shirts/good.jpg"), // line 14
          row("=1+2", "Acme Men Formula Shirt", "shirts/good.jpg"), // line 15
          row("FORMULA-1", '=HYPERLINK("http://example.com")', "missing.jpg"), // line 16
          row("EVIL-1", "Acme Men Escaping Shirt", "evil.jpg"), // line 17
          row("LINK-1", "Acme Men Linked Shirt", "link.jpg"), // line 18
          row("BYSKU-1", "Acme Men Named Shirt", ""), // line 19
        ].join("\r\n") +
        "\r\n";
      const zip = buildZip([
        { name: "shirts/", data: "" },
        { name: "shirts/good.jpg", data: await jpeg("#2255aa") },
        { name: "../evil.jpg", data: await jpeg("#ff0000") },
        { name: "link.jpg", data: "/etc/passwd", unixMode: 0o120777 },
        { name: "__MACOSX/shirts/._good.jpg", data: "resource fork" },
        { name: "BYSKU-1.JPG", data: await jpeg("#00ff00") },
        { name: "unused.jpg", data: await jpeg("#0000ff") },
      ]);

      const response = await env.upload(merchant, {
        catalogue: { name: "catalogue.csv", data: csv, type: "text/csv" },
        images: [
          { name: "images.zip", data: zip, type: "application/zip" },
          { name: "zero.jpg", data: Buffer.alloc(0) },
          { name: "text.jpg", data: "this is a text file, not a JPEG" },
          { name: "truncated.jpg", data: await truncatedJpeg() },
          { name: "alpha.png", data: await pngWithAlpha() },
          { name: "cmyk.jpg", data: await cmykJpeg() },
          { name: "photos/rotated.jpg", data: await exifRotatedJpeg() },
          { name: "huge.png", data: await pngDeclaring(100_000, 100_000) },
          { name: "photo.tiff", data: await tiff() },
          { name: "photo.heic", data: heicHeader() },
          { name: "deep.png", data: await png16Bit() },
        ],
      });
      batchId = await batchIdOf(response);
      expect(await env.runImports()).toBe(1);
      report = await readReport(merchant, batchId);
    });

    it("finishes the batch with every row counted", async () => {
      const response = await progressRoute(getRequest(`/api/merchant/uploads/${batchId}`, merchant.cookie), idParams(batchId));
      const { upload } = await response.json();

      expect(upload.status).toBe("done");
      expect(upload.rows).toEqual({ total: 17, processed: 17, imported: 6, updated: 0, unchanged: 0, skipped: 11 });
      expect(upload.files.rejected).toBe(1);
      expect(upload.images).toEqual({ total: 6, pending: 6, processing: 0, tagged: 0, failed: 0 });
      expect(upload.job).toMatchObject({ status: "done", attempts: 1 });
    });

    it("reports each rejected row and file with its reason", () => {
      expect(report).toEqual([
        "row,sku,outcome,reason",
        "2,GOOD-1,imported,",
        "4,ZERO-1,skipped,zero.jpg: the file is empty (0 bytes)",
        "5,TEXT-1,skipped,text.jpg: not a decodable image (Input buffer contains unsupported image format)",
        // The words in brackets come from libjpeg and may change with sharp's build.
        expect.stringMatching(/^6,TRUNC-1,skipped,truncated\.jpg: image could not be decoded \(.+\)$/),
        "7,ALPHA-1,imported,",
        "8,CMYK-1,imported,",
        "9,ROT-1,imported,",
        "10,HUGE-1,skipped,huge.png: image is 100000x100000 (10000 megapixels); the maximum is 40 megapixels",
        '11,TIFF-1,skipped,"photo.tiff: unsupported image format tiff: use jpeg, png, webp, gif, avif"',
        '12,HEIC-1,skipped,"photo.heic: unsupported image format HEIC (HEIF brand ""heic""): the image decoder cannot read it; export the photo as JPEG"',
        "13,DEEP-1,imported,",
        '14,GOOD-1,skipped,"duplicate sku ""GOOD-1"": line 2 has the same sku and is the one imported"',
        // The SKU cell starts with "=", so the report prefixes an apostrophe: spreadsheets show it as text.
        '15,\'=1+2,skipped,"sku ""=1+2"" is invalid: use letters, digits, ""."", ""_"" and ""-"", starting with a letter or digit"',
        '16,FORMULA-1,skipped,"image ""missing.jpg"" is not in the upload: add the file, or correct the image column of SKU FORMULA-1"',
        '17,EVIL-1,skipped,"../evil.jpg (in images.zip): the path contains "".."", which would leave the upload folder"',
        "18,LINK-1,skipped,link.jpg (in images.zip): the entry is a symbolic link; the archive must contain the image files themselves",
        "19,BYSKU-1,imported,",
        ',,skipped,"unused.jpg (in images.zip): not imported: no row names this file in its image column, and the file is not named after a SKU of the CSV"',
      ]);
    });

    it("creates products for accepted rows only", async () => {
      const products = await env.database.prisma.product.findMany({
        where: { merchantId: merchant.merchantId as number },
        orderBy: { sku: "asc" },
        select: { sku: true, title: true, images: { select: { status: true } } },
      });

      expect(products.map((product) => product.sku)).toEqual(["ALPHA-1", "BYSKU-1", "CMYK-1", "DEEP-1", "GOOD-1", "ROT-1"]);
      expect(products.every((product) => product.images.length === 1)).toBe(true);
      // The quoted title kept its commas and quotes; its line break became a space.
      expect(products.find((product) => product.sku === "GOOD-1")?.title).toBe('Acme Men "Oxford", Blue Striped Shirt');
      // Only accepted pictures reach the image store: six originals and six thumbnails.
      const stored = fs.readdirSync(imageStoreDir(), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(stored).toHaveLength(12);
    });

    it("stores the EXIF-rotated photo upright", async () => {
      const image = await imageOf("ROT-1");
      expect([image.width, image.height]).toEqual([20, 40]);

      const thumbnail = sharp(path.join(imageStoreDir(), image.thumbnailKey));
      expect(await thumbnail.metadata()).toMatchObject({ width: 20, height: 40 });
      const { data, info } = await thumbnail.raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => data[(y * info.width + x) * info.channels] as number;
      // The left (black) half of the stored pixels is on top once the orientation is applied.
      expect(pixel(10, 5)).toBeLessThan(60);
      expect(pixel(10, 35)).toBeGreaterThan(200);
    });

    it("flattens alpha and converts CMYK and 16-bit images to 8-bit sRGB thumbnails", async () => {
      for (const sku of ["ALPHA-1", "CMYK-1", "DEEP-1"]) {
        const image = await imageOf(sku);
        const metadata = await sharp(path.join(imageStoreDir(), image.thumbnailKey)).metadata();
        expect({ sku, space: metadata.space, channels: metadata.channels, depth: metadata.depth, alpha: metadata.hasAlpha }).toEqual({
          sku,
          space: "srgb",
          channels: 3,
          depth: "uchar",
          alpha: false,
        });
      }

      const alpha = await imageOf("ALPHA-1");
      const { data } = await sharp(path.join(imageStoreDir(), alpha.thumbnailKey)).raw().toBuffer({ resolveWithObject: true });
      // 20 % red over white.
      expect(data[0]).toBeGreaterThan(245);
      expect(data[1]).toBeGreaterThan(190);
      expect(data[1]).toBeLessThan(220);
    });
  });

  it("rejects a CSV without a required column before writing anything", async () => {
    const batchesBefore = await env.database.prisma.importBatch.count();
    const response = await env.upload(merchant, {
      catalogue: { name: "styles.csv", data: "id,gender,articleType\n1,Men,Shirts\n" },
      images: [{ name: "1.jpg", data: await jpeg() }],
    });

    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("missing_column");
    expect(body.error.columns).toEqual(["productDisplayName"]);
    expect(body.error.message).toMatch(/^Missing required column "productDisplayName" in styles\.csv: /);
    expect(await env.database.prisma.importBatch.count()).toBe(batchesBefore);
    expect(await env.database.prisma.job.count({ where: { type: "import-upload", status: "queued" } })).toBe(0);
    expect(await leftoverUploadFolders()).toEqual(await uploadFoldersOfBatches());
  });

  it("names a missing template column by its template name", async () => {
    const response = await env.upload(merchant, { catalogue: { name: "products.csv", data: "sku,brand\nA,Acme\n" } });

    const body = await response.json();
    expect(response.status).toBe(400);
    expect(body.error.columns).toEqual(["title"]);
  });

  it("rejects a ZIP bomb by the sizes it declares", async () => {
    // 200 entries that each claim 24 MiB declare 4.7 GiB in total, over the 4 GiB limit.
    const entries = Array.from({ length: 200 }, (_, index) => ({ name: `${index}.jpg`, data: "x", declaredSize: 24 * 1024 * 1024 }));
    const response = await env.upload(merchant, {
      catalogue: { name: "catalogue.csv", data: "sku,title\nA-1,Acme Men Shirt\n" },
      images: [{ name: "bomb.zip", data: buildZip(entries) }],
    });

    expect(response.status).toBe(413);
    const body = await response.json();
    expect(body.error.code).toBe("zip_too_large");
    expect(body.error.message).toBe("bomb.zip declares 4.7 GiB of uncompressed files; an upload may unpack to at most 4 GiB.");
    expect(await leftoverUploadFolders()).toEqual(await uploadFoldersOfBatches());
  });

  it("stops a ZIP entry that inflates beyond its declared size", async () => {
    const response = await env.upload(merchant, {
      catalogue: { name: "catalogue.csv", data: "sku,title,image\nBOMB-1,Acme Men Bomb Shirt,bomb.jpg\n" },
      // 64 MiB of zeros deflate to about 64 KiB; the headers claim 1,000 bytes.
      images: [{ name: "bomb.zip", data: buildZip([{ name: "bomb.jpg", data: Buffer.alloc(64 * 1024 * 1024), declaredSize: 1_000 }]) }],
    });
    const batchId = await batchIdOf(response);
    await env.runImports();

    expect(await readReport(merchant, batchId)).toEqual([
      "row,sku,outcome,reason",
      '2,BOMB-1,skipped,"bomb.jpg (in bomb.zip): the entry inflates to more than the 1000 bytes its header declares, so extraction stopped (a sign of a ZIP bomb)"',
    ]);
    expect(await env.database.prisma.product.count({ where: { sku: "BOMB-1" } })).toBe(0);
  });

  async function imageOf(sku: string) {
    const product = await env.database.prisma.product.findFirstOrThrow({
      where: { sku, merchantId: merchant.merchantId as number },
      select: { images: { select: { width: true, height: true, thumbnailKey: true } } },
    });
    return product.images[0] as { width: number; height: number; thumbnailKey: string };
  }

  /** Folders under uploads/ on disk. */
  async function leftoverUploadFolders(): Promise<string[]> {
    const dir = path.join(env.dataDir, "uploads");
    return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  }

  /** Upload folders that belong to a batch; a rejected upload must add none. */
  async function uploadFoldersOfBatches(): Promise<string[]> {
    const batches = await env.database.prisma.importBatch.findMany({ where: { source: "upload" }, select: { location: true } });
    return batches.map((batch) => batch.location.replace(/^uploads\//, "")).sort();
  }
});
