/**
 * The background import of uploads: re-uploads update by SKU and queue
 * tagging only for new or changed pictures (by content hash), and the worker
 * records interruptions and failures on the job and its batch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { TAG_IMAGE_JOB } from "@/lib/jobs";
import { UploadImportError } from "@/lib/uploads/import-job";
import { IMPORT_UPLOAD_JOB } from "@/lib/uploads/job";
import { runImportWorker } from "@/lib/uploads/worker";
import { testProviders } from "@/tests/helpers/databases";

import { createUploadTestEnvironment, type TestAccount, type UploadTestEnvironment } from "./support/environment";
import { jpeg } from "./support/images";

const HEADER = "sku,title,colour";

describe.each(testProviders())("upload import on %s", (provider) => {
  let env: UploadTestEnvironment;
  let merchant: TestAccount;

  beforeAll(async () => {
    env = await createUploadTestEnvironment(provider);
    merchant = await env.createMerchant("reuploads");
  });

  afterAll(async () => {
    await env?.teardown();
  });

  async function uploadAndImport(csv: string, images: { name: string; data: Buffer }[]): Promise<number> {
    const response = await env.upload(merchant, { catalogue: { name: "catalogue.csv", data: csv }, images });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(202);
    await env.runImports();
    return body.batchId;
  }

  async function imageOf(sku: string) {
    const product = await env.database.prisma.product.findFirstOrThrow({
      where: { sku, merchantId: merchant.merchantId as number },
      select: { title: true, images: { select: { id: true, status: true, contentHash: true } } },
    });
    return { title: product.title, ...(product.images[0] as { id: number; status: string; contentHash: string }) };
  }

  async function tagJobsOf(imageId: number) {
    return env.database.prisma.job.findMany({ where: { type: TAG_IMAGE_JOB, imageId }, select: { status: true, dedupeKey: true } });
  }

  async function outcomes(batchId: number) {
    const rows = await env.database.prisma.importRowOutcome.findMany({
      where: { batchId },
      orderBy: { rowNumber: "asc" },
      select: { rowNumber: true, sku: true, outcome: true, reason: true },
    });
    return rows.map((row) => [row.rowNumber, row.sku, row.outcome, row.reason]);
  }

  it("queues tagging for each imported picture", async () => {
    await uploadAndImport(`${HEADER}\nP-1,Acme Men Blue Shirt,Blue\nP-2,Acme Men Red Shirt,Red\n`, [
      { name: "P-1.jpg", data: await jpeg("#0000ff") },
      { name: "P-2.jpg", data: await jpeg("#ff0000") },
    ]);

    for (const sku of ["P-1", "P-2"]) {
      const image = await imageOf(sku);
      expect(image.status).toBe("pending");
      expect(await tagJobsOf(image.id)).toEqual([{ status: "queued", dedupeKey: `${TAG_IMAGE_JOB}:${image.id}:${image.contentHash}` }]);
    }

    // Stand in for the vision worker: both pictures are tagged.
    await env.database.prisma.job.updateMany({ where: { type: TAG_IMAGE_JOB }, data: { status: "done" } });
    await env.database.prisma.productImage.updateMany({ data: { status: "tagged" } });
  });

  it("updates by SKU and re-tags only changed pictures", async () => {
    const before = await imageOf("P-1");
    const batchId = await uploadAndImport(
      `${HEADER}\nP-1,Acme Men Navy Shirt,Blue\nP-2,Acme Men Red Shirt,Red\nP-3,Acme Men Green Shirt,Green\n`,
      [
        { name: "P-1.jpg", data: await jpeg("#0000ff") },
        { name: "P-2.jpg", data: await jpeg("#aa0000") },
        { name: "P-3.jpg", data: await jpeg("#00ff00") },
      ],
    );

    expect(await outcomes(batchId)).toEqual([
      [2, "P-1", "updated", "changed: title"],
      [3, "P-2", "updated", "changed: image"],
      [4, "P-3", "imported", null],
    ]);

    const unchangedPicture = await imageOf("P-1");
    expect(unchangedPicture).toMatchObject({ id: before.id, title: "Acme Men Navy Shirt", status: "tagged", contentHash: before.contentHash });
    expect(await tagJobsOf(unchangedPicture.id)).toEqual([{ status: "done", dedupeKey: `${TAG_IMAGE_JOB}:${before.id}:${before.contentHash}` }]);

    const changedPicture = await imageOf("P-2");
    expect(changedPicture.status).toBe("pending");
    expect((await tagJobsOf(changedPicture.id)).map((job) => job.status).sort()).toEqual(["done", "queued"]);
    expect((await imageOf("P-3")).status).toBe("pending");
  });

  it("keeps stored pictures when a re-upload sends only the CSV", async () => {
    const batchId = await uploadAndImport(`${HEADER}\nP-1,Acme Men Navy Shirt,Blue\nP-4,Acme Men Grey Shirt,Grey\n`, []);

    expect(await outcomes(batchId)).toEqual([
      [2, "P-1", "unchanged", null],
      [
        3,
        "P-4",
        "skipped",
        "no image: the image column is empty and the upload has no file named P-4 with an extension .jpg, .jpeg, .png, .webp, .gif, .avif",
      ],
    ]);
    expect((await imageOf("P-1")).status).toBe("tagged");
  });

  describe("worker outcomes", () => {
    async function queueUpload(): Promise<{ batchId: number; jobId: number }> {
      const response = await env.upload(merchant, { catalogue: { name: "catalogue.csv", data: `${HEADER}\nW-1,Acme Men Shirt,Blue\n` } });
      const body = await response.json();
      return { batchId: body.batchId, jobId: body.jobId };
    }

    async function state(batchId: number, jobId: number) {
      const batch = await env.database.prisma.importBatch.findUniqueOrThrow({ where: { id: batchId }, select: { status: true, error: true } });
      const job = await env.database.prisma.job.findUniqueOrThrow({
        where: { id: jobId },
        select: { status: true, attempts: true, leaseOwner: true, lastError: true },
      });
      return { batch, job };
    }

    it("hands the job back when stopped during an import", async () => {
      const { batchId, jobId } = await queueUpload();
      const stop = new AbortController();

      const handled = await runImportWorker({
        database: env.database,
        workerId: "stopping-worker",
        signal: stop.signal,
        runImport: async ({ signal }) => {
          stop.abort();
          signal?.throwIfAborted();
          throw new Error("the import should have been stopped");
        },
      });

      expect(handled).toBe(1);
      expect(await state(batchId, jobId)).toEqual({
        batch: { status: "queued", error: null },
        job: { status: "queued", attempts: 0, leaseOwner: null, lastError: null },
      });

      // The next worker run imports it.
      await env.runImports();
      expect((await state(batchId, jobId)).batch.status).toBe("done");
    });

    it("retries a failed attempt and fails at once on a permanent error", async () => {
      const { batchId, jobId } = await queueUpload();
      const run = (error: Error) =>
        runImportWorker({
          database: env.database,
          workerId: "failing-worker",
          signal: new AbortController().signal,
          untilEmpty: true,
          runImport: async () => {
            throw error;
          },
        });

      await run(new Error("disk full"));
      expect(await state(batchId, jobId)).toEqual({
        batch: { status: "queued", error: "Attempt 1 failed and will be retried: disk full" },
        job: { status: "queued", attempts: 1, leaseOwner: null, lastError: "disk full" },
      });

      // Make the retry due now, then fail it for good.
      await env.database.prisma.job.update({ where: { id: jobId }, data: { runAt: new Date(0) } });
      await run(new UploadImportError("The files of upload 1 are missing"));
      expect(await state(batchId, jobId)).toEqual({
        batch: { status: "failed", error: "The files of upload 1 are missing" },
        job: { status: "failed", attempts: 2, leaseOwner: null, lastError: "The files of upload 1 are missing" },
      });
      expect(await env.database.prisma.job.count({ where: { type: IMPORT_UPLOAD_JOB, status: "running" } })).toBe(0);
    });
  });
});
