/**
 * Receiving an upload request: multipart parsing with busboy, the size and
 * count limits enforced while the bytes stream to disk, and the checks that
 * reject a request as a whole. Small limits stand in for the production ones.
 */
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SlidingWindowLimiter } from "@/lib/auth/rate-limit";
import type { SessionUser } from "@/lib/auth/session-user";
import { createUploadHandler } from "@/lib/uploads/api";
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "@/lib/uploads/limits";
import { readManifest } from "@/lib/uploads/manifest";

import { createUploadTestEnvironment, type TestAccount, type UploadTestEnvironment } from "./support/environment";
import { jpeg } from "./support/images";
import { ORIGIN, uploadRequest, type UploadRequestInit } from "./support/requests";
import { buildZip } from "./support/zip-writer";

const LIMITS: UploadLimits = {
  ...DEFAULT_UPLOAD_LIMITS,
  csvBytes: 1_000,
  imageBytes: 2_000,
  uploadBytes: 20_000,
  files: 5,
};
const CSV = { name: "catalogue.csv", data: "sku,title\nA-1,Acme Men Shirt\n" };

describe("receiving uploads", () => {
  let env: UploadTestEnvironment;
  let merchant: TestAccount;
  let user: SessionUser;

  beforeAll(async () => {
    env = await createUploadTestEnvironment("sqlite");
    merchant = await env.createMerchant("limits");
    user = { id: merchant.userId, email: "limits@example.com", name: null, role: "merchant", merchantId: merchant.merchantId };
  });

  afterAll(async () => {
    await env?.teardown();
  });

  async function send(init: UploadRequestInit | Request) {
    // No worker runs here, so finish the earlier uploads to stay under the cap on active uploads.
    await env.database.prisma.importBatch.updateMany({ data: { status: "done" } });
    const handler = createUploadHandler({
      limits: LIMITS,
      limiter: () => new SlidingWindowLimiter({ limit: 1_000, windowMs: 60_000 }),
    });
    const request = init instanceof Request ? init : uploadRequest(init);
    const response = await handler(request, { user, database: env.database, requestId: "test", params: {} });
    return { status: response.status, body: await response.json() };
  }

  function uploadFolders(): string[] {
    const dir = path.join(env.dataDir, "uploads");
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  }

  it("accepts a CSV with loose images and a ZIP and writes the manifest", async () => {
    const image = await jpeg();
    const { status, body } = await send({
      catalogue: CSV,
      images: [
        { name: "photos/A-1.jpg", data: image },
        { name: "more.zip", data: buildZip([{ name: "B-1.jpg", data: image }]) },
        { name: "photos/.DS_Store", data: "finder data" },
      ],
    });

    expect(status).toBe(202);
    expect(body).toMatchObject({
      status: "queued",
      rows: 1,
      files: { images: 1, archives: [{ name: "more.zip", entries: 1 }], rejected: [] },
      progressPageUrl: `/merchant/uploads/${body.batchId}`,
    });
    const batch = await env.database.prisma.importBatch.findUniqueOrThrow({ where: { id: body.batchId } });
    expect(batch).toMatchObject({ source: "upload", status: "queued", rowsTotal: 1, merchantId: merchant.merchantId });
    const manifest = await readManifest(path.join(env.dataDir, batch.location));
    expect(manifest.images).toEqual([{ name: "photos/A-1.jpg", storedAs: "files/0", bytes: image.length }]);
    expect(manifest.archives[0]).toMatchObject({ name: "more.zip", storedAs: "files/1" });
  });

  it("drops an image over the per-image size with a reason", async () => {
    const { status, body } = await send({
      catalogue: CSV,
      images: [{ name: "big.jpg", data: Buffer.alloc(LIMITS.imageBytes + 1, 1) }],
    });

    expect(status).toBe(202);
    expect(body.files.rejected).toEqual([{ name: "big.jpg", reason: "the file is larger than 2 KiB, the maximum for an image" }]);
  });

  it("records invalid file names from a dropped folder", async () => {
    const { body } = await send({ catalogue: CSV, images: [{ name: "../outside.jpg", data: await jpeg() }] });

    expect(body.files.rejected).toEqual([{ name: "../outside.jpg", reason: 'the path contains "..", which would leave the upload folder' }]);
  });

  const rejections: [string, () => Promise<UploadRequestInit | Request>, number, string, string][] = [
    ["no CSV", async () => ({ catalogue: null, images: [{ name: "a.jpg", data: "x" }] }), 400, "missing_catalogue", 'The upload has no CSV file: attach it in the "catalogue" field.'],
    ["two CSV files", async () => ({ catalogue: CSV, extra: [["catalogue", CSV]] }), 400, "too_many_catalogues", 'Send one CSV file in the "catalogue" field, not several.'],
    ["an empty CSV", async () => ({ catalogue: { name: "empty.csv", data: "" } }), 400, "empty_catalogue", "The CSV file empty.csv is empty: it needs a header line and one row per product."],
    ["a header without rows", async () => ({ catalogue: { name: "header.csv", data: "sku,title\n" } }), 400, "empty_catalogue", "The CSV file header.csv has a header but no product rows."],
    ["a CSV over its limit", async () => ({ catalogue: { name: "big.csv", data: `sku,title\n${"A-1,x\n".repeat(200)}` } }), 413, "catalogue_too_large", "The CSV file is larger than 1000 bytes; split it into several uploads."],
    ["too many files", async () => ({ catalogue: CSV, images: Array.from({ length: 6 }, (_, index) => ({ name: `${index}.jpg`, data: "x" })) }), 413, "too_many_files", "The upload has more than 5 files; split it into several uploads."],
    ["too many bytes", async () => ({ catalogue: CSV, images: Array.from({ length: 4 }, (_, index) => ({ name: `${index}.zip`, data: Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(6_000)]) })) }), 413, "upload_too_large", "The upload is larger than 19.5 KiB; split it into several uploads."],
    ["an unknown field", async () => ({ catalogue: CSV, extra: [["photos", { name: "a.jpg", data: "x" }]] }), 400, "invalid_multipart", 'Unknown form field "photos": send "catalogue" and "images" files only.'],
    ["a broken ZIP", async () => ({ catalogue: CSV, images: [{ name: "broken.zip", data: "PK\u0003\u0004 and nothing more" }] }), 400, "invalid_zip", ""],
    [
      "a JSON body",
      async () => new Request(`${ORIGIN}/api/merchant/uploads`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      415,
      "unsupported_media_type",
      'Send the upload as multipart/form-data with a "catalogue" CSV file and "images" files, not "application/json".',
    ],
  ];

  it.each(rejections)("rejects %s and leaves no files", async (_name, build, status, code, message) => {
    const before = uploadFolders();
    const batches = await env.database.prisma.importBatch.count();

    const response = await send(await build());

    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    if (message) expect(response.body.error.message).toBe(message);
    expect(uploadFolders().sort()).toEqual(before.sort());
    expect(await env.database.prisma.importBatch.count()).toBe(batches);
  });
});
