import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import {
  claimJobs,
  completeJob,
  countJobsByStatus,
  enqueueImageTagging,
  enqueueJob,
  failJob,
  heartbeat,
  JobLeaseLostError,
  releaseJobs,
  retryDelayMs,
  TAG_IMAGE_JOB,
  withJobTransaction,
  type ClaimOptions,
} from "./index";

const TYPE = "test-job";
const LEASE_MS = 1_000;
/** A retry policy without jitter, so retry times are exact. */
const NO_JITTER = { baseDelayMs: 100, maxDelayMs: 10_000, jitter: 0, random: () => 0.5 };

describe("retryDelayMs", () => {
  it("doubles per attempt up to the cap", () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 60].map((attempts) => retryDelayMs(attempts, policy))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it("jitter stays within its fraction", () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 10_000, jitter: 0.2 };
    expect(retryDelayMs(1, { ...policy, random: () => 0 })).toBe(1_000);
    expect(retryDelayMs(1, { ...policy, random: () => 0.999_999 })).toBe(800);
  });
});

describe.each(testProviders())("job queue on %s", (provider) => {
  let database: TestDatabase;
  let base: Date;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });

  afterAll(async () => {
    await database?.drop();
  });

  beforeEach(async () => {
    await database.prisma.job.deleteMany();
    await database.prisma.merchant.deleteMany();
    // Jobs enqueued in a test get runAt = now, so claims at `at(0)` or later see them.
    base = new Date(Date.now() + 1_000);
  });

  const at = (ms: number) => new Date(base.getTime() + ms);

  function claim(workerId: string, ms: number, options: Partial<ClaimOptions> = {}) {
    return claimJobs(database.prisma, provider, { workerId, types: [TYPE], limit: 10, leaseMs: LEASE_MS, now: at(ms), ...options });
  }

  async function jobRow(id: number) {
    return database.prisma.job.findUniqueOrThrow({ where: { id } });
  }

  async function createImages(count: number) {
    const merchant = await database.prisma.merchant.create({ data: { slug: `m-${Date.now()}`, name: "Test merchant" } });
    const product = await database.prisma.product.create({ data: { merchantId: merchant.id, sku: "sku-1", title: "Blue Shirt" } });
    const images = [];
    for (let position = 0; position < count; position++) {
      images.push(
        await database.prisma.productImage.create({
          data: {
            productId: product.id,
            position,
            contentHash: `hash-${position}`,
            byteSize: 100,
            width: 10,
            height: 10,
            format: "jpeg",
            storageKey: `images/${position}.jpg`,
            thumbnailKey: `thumbs/${position}.jpg`,
          },
        }),
      );
    }
    return { merchant, product, images };
  }

  it("enqueues, claims and completes a job", async () => {
    const { jobId, enqueued } = await enqueueJob(database.prisma, { type: TYPE, payload: { hello: "world" } });
    expect(enqueued).toBe(true);

    const jobs = await claim("worker-a", 0);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id: jobId, type: TYPE, payload: { hello: "world" }, attempts: 1 });
    expect(jobs[0]?.leaseExpiresAt.getTime()).toBe(at(LEASE_MS).getTime());

    const running = await jobRow(jobId);
    expect(running.status).toBe("running");
    expect(running.leaseOwner).toBe("worker-a");

    expect(await completeJob(database.prisma, "worker-a", jobId)).toBe(true);
    const done = await jobRow(jobId);
    expect(done.status).toBe("done");
    expect(done.leaseOwner).toBeNull();
    expect(done.finishedAt).not.toBeNull();

    expect(await claim("worker-a", 10 * LEASE_MS)).toEqual([]);
  });

  it("claims by priority, then runAt, and respects runAt", async () => {
    const low = await enqueueJob(database.prisma, { type: TYPE, payload: 1, priority: 0, runAt: at(-300) });
    const high = await enqueueJob(database.prisma, { type: TYPE, payload: 2, priority: 5, runAt: at(-100) });
    const highOlder = await enqueueJob(database.prisma, { type: TYPE, payload: 3, priority: 5, runAt: at(-200) });
    const later = await enqueueJob(database.prisma, { type: TYPE, payload: 4, priority: 10, runAt: at(5_000) });
    await enqueueJob(database.prisma, { type: "other-type", payload: 5, priority: 99, runAt: at(-1_000) });

    const first = await claim("worker-a", 0, { limit: 2 });
    expect(first.map((job) => job.id)).toEqual([highOlder.jobId, high.jobId]);

    const second = await claim("worker-a", 0);
    expect(second.map((job) => job.id)).toEqual([low.jobId]);
    for (const job of [...first, ...second]) await completeJob(database.prisma, "worker-a", job.id);

    const afterRunAt = await claim("worker-a", 5_000);
    expect(afterRunAt.map((job) => job.id)).toEqual([later.jobId]);
  });

  it("hands an expired lease to another worker", async () => {
    const { jobId } = await enqueueJob(database.prisma, { type: TYPE, payload: {} });
    expect(await claim("worker-a", 0)).toHaveLength(1);

    expect(await claim("worker-b", LEASE_MS - 1)).toEqual([]);

    const takenOver = await claim("worker-b", LEASE_MS);
    expect(takenOver.map((job) => job.id)).toEqual([jobId]);
    expect(takenOver[0]?.attempts).toBe(2);

    expect(await completeJob(database.prisma, "worker-a", jobId)).toBe(false);
    expect(await heartbeat(database.prisma, "worker-a", [jobId], LEASE_MS, { now: at(LEASE_MS + 1) })).toEqual([]);
    expect(await failJob(database.prisma, "worker-a", jobId, new Error("late"))).toEqual({ outcome: "not-owned" });
    expect((await jobRow(jobId)).leaseOwner).toBe("worker-b");

    expect(await completeJob(database.prisma, "worker-b", jobId)).toBe(true);
    expect((await jobRow(jobId)).status).toBe("done");
  });

  it("heartbeat extends only owned leases", async () => {
    const first = await enqueueJob(database.prisma, { type: TYPE, payload: 1 });
    const second = await enqueueJob(database.prisma, { type: TYPE, payload: 2 });
    await claim("worker-a", 0, { limit: 1 });
    await claim("worker-b", 0, { limit: 1 });

    const extended = await heartbeat(database.prisma, "worker-a", [first.jobId, second.jobId], LEASE_MS, {
      now: at(LEASE_MS - 100),
    });
    expect(extended).toEqual([first.jobId]);
    expect((await jobRow(first.jobId)).leaseExpiresAt?.getTime()).toBe(at(2 * LEASE_MS - 100).getTime());
    expect((await jobRow(second.jobId)).leaseExpiresAt?.getTime()).toBe(at(LEASE_MS).getTime());

    // worker-b's lease lapsed, worker-a's did not.
    const stolen = await claim("worker-c", LEASE_MS + 100);
    expect(stolen.map((job) => job.id)).toEqual([second.jobId]);
  });

  it("retries with backoff, then fails the job and its image", async () => {
    const { images } = await createImages(1);
    const image = images[0]!;
    const { jobId } = await enqueueJob(database.prisma, { type: TYPE, payload: {}, imageId: image.id, maxAttempts: 3 });

    let now = 0;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [job] = await claim("worker-a", now);
      expect(job?.attempts).toBe(attempt);

      const result = await failJob(database.prisma, "worker-a", jobId, new Error(`decode failed ${attempt}`), {
        now: at(now),
        retryPolicy: NO_JITTER,
      });
      const delay = NO_JITTER.baseDelayMs * 2 ** (attempt - 1);
      expect(result).toEqual({ outcome: "retry", attempts: attempt, runAt: at(now + delay) });

      const queued = await jobRow(jobId);
      expect(queued.status).toBe("queued");
      expect(queued.lastError).toBe(`decode failed ${attempt}`);
      expect(await claim("worker-a", now + delay - 1)).toEqual([]);
      now += delay;
    }

    const [last] = await claim("worker-a", now);
    expect(last?.attempts).toBe(3);
    expect(last?.lastError).toBe("decode failed 2");
    const final = await failJob(database.prisma, "worker-a", jobId, new Error("decode failed 3"), { now: at(now) });
    expect(final).toEqual({ outcome: "failed", attempts: 3 });

    const failed = await jobRow(jobId);
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toBe("decode failed 3");
    expect(failed.finishedAt).not.toBeNull();
    const failedImage = await database.prisma.productImage.findUniqueOrThrow({ where: { id: image.id } });
    expect(failedImage.status).toBe("failed");
    expect(failedImage.error).toBe("decode failed 3");

    expect(await claim("worker-a", now + 1_000_000)).toEqual([]);
  });

  it("fails a permanent error without retrying", async () => {
    const { jobId } = await enqueueJob(database.prisma, { type: TYPE, payload: {} });
    await claim("worker-a", 0);
    const result = await failJob(database.prisma, "worker-a", jobId, "file not found", { permanent: true });
    expect(result).toEqual({ outcome: "failed", attempts: 1 });
    expect((await jobRow(jobId)).status).toBe("failed");
  });

  it("fails a job whose last lease expired", async () => {
    const { images } = await createImages(1);
    const { jobId } = await enqueueJob(database.prisma, { type: TYPE, payload: {}, imageId: images[0]!.id, maxAttempts: 1 });
    await claim("worker-a", 0);

    expect(await claim("worker-b", LEASE_MS)).toEqual([]);
    const job = await jobRow(jobId);
    expect(job.status).toBe("failed");
    expect(job.lastError).toMatch(/^Lease expired on the last attempt/);
    const image = await database.prisma.productImage.findUniqueOrThrow({ where: { id: images[0]!.id } });
    expect(image.status).toBe("failed");
  });

  it("dedupes by key and re-enqueues a finished job", async () => {
    const first = await enqueueJob(database.prisma, { type: TYPE, payload: { v: 1 }, dedupeKey: "key-1" });
    const again = await enqueueJob(database.prisma, { type: TYPE, payload: { v: 2 }, dedupeKey: "key-1" });
    expect(first.enqueued).toBe(true);
    expect(again).toEqual({ jobId: first.jobId, enqueued: false });
    expect((await jobRow(first.jobId)).payload).toBe('{"v":1}');

    await claim("worker-a", 0);
    const whileRunning = await enqueueJob(database.prisma, { type: TYPE, payload: { v: 3 }, dedupeKey: "key-1" });
    expect(whileRunning.enqueued).toBe(false);
    await failJob(database.prisma, "worker-a", first.jobId, "broken", { permanent: true });

    const afterFailure = await enqueueJob(database.prisma, { type: TYPE, payload: { v: 4 }, dedupeKey: "key-1" });
    expect(afterFailure).toEqual({ jobId: first.jobId, enqueued: true });
    const reset = await jobRow(first.jobId);
    expect(reset).toMatchObject({ status: "queued", attempts: 0, payload: '{"v":4}', lastError: null, finishedAt: null });

    const unkeyed = await enqueueJob(database.prisma, { type: TYPE, payload: {} });
    expect(unkeyed.jobId).not.toBe(first.jobId);
    expect(await database.prisma.job.count()).toBe(2);
  });

  it("enqueues image tagging per image and content", async () => {
    const { images, merchant } = await createImages(2);
    const [one, two] = images as [(typeof images)[0], (typeof images)[0]];

    const first = await enqueueImageTagging(database.prisma, [one.id, two.id, one.id, 999_999]);
    expect(first.enqueued.sort()).toEqual([one.id, two.id].sort());
    expect(first.alreadyQueued).toEqual([]);
    expect(first.missing).toEqual([999_999]);

    const jobs = await database.prisma.job.findMany({ orderBy: { imageId: "asc" } });
    expect(jobs.map((job) => job.dedupeKey)).toEqual([`${TAG_IMAGE_JOB}:${one.id}:hash-0`, `${TAG_IMAGE_JOB}:${two.id}:hash-1`]);
    expect(jobs[0]).toMatchObject({ type: TAG_IMAGE_JOB, imageId: one.id, merchantId: merchant.id });
    expect(JSON.parse(jobs[0]!.payload)).toEqual({ imageId: one.id, contentHash: "hash-0" });

    const repeat = await enqueueImageTagging(database.prisma, [one.id, two.id]);
    expect(repeat.enqueued).toEqual([]);
    expect(repeat.alreadyQueued.sort()).toEqual([one.id, two.id].sort());

    await database.prisma.productImage.update({ where: { id: two.id }, data: { contentHash: "hash-1b", status: "failed", error: "x" } });
    const changed = await enqueueImageTagging(database.prisma, [one.id, two.id]);
    expect(changed.enqueued).toEqual([two.id]);
    expect(await database.prisma.job.count()).toBe(3);
    const pending = await database.prisma.productImage.findUniqueOrThrow({ where: { id: two.id } });
    expect(pending).toMatchObject({ status: "pending", error: null });
  });

  it("releases jobs on shutdown without counting an attempt", async () => {
    for (let i = 0; i < 3; i++) await enqueueJob(database.prisma, { type: TYPE, payload: i });
    const claimed = await claim("worker-a", 0);
    expect(claimed).toHaveLength(3);

    expect(await releaseJobs(database.prisma, "worker-b")).toBe(0);
    expect(await releaseJobs(database.prisma, "worker-a")).toBe(3);

    const rows = await database.prisma.job.findMany();
    for (const row of rows) {
      expect(row).toMatchObject({ status: "queued", attempts: 0, leaseOwner: null, leaseExpiresAt: null });
    }
    expect(await claim("worker-b", 1)).toHaveLength(3);
  });

  it("commits job results only with completion", async () => {
    const { images } = await createImages(1);
    const imageId = images[0]!.id;
    const { jobId } = await enqueueJob(database.prisma, { type: TYPE, payload: {}, imageId });
    await claim("worker-a", 0);

    const writeEmbedding = (value: number) => (tx: Parameters<Parameters<typeof withJobTransaction>[3]>[0]) =>
      tx.embedding.upsert({
        where: { imageId_modelId: { imageId, modelId: "m1" } },
        create: { imageId, modelId: "m1", dimension: 1, vector: new Uint8Array(new Float32Array([value]).buffer) },
        update: { vector: new Uint8Array(new Float32Array([value]).buffer) },
      });

    await expect(
      withJobTransaction(database.prisma, "worker-a", jobId, async (tx) => {
        await writeEmbedding(1)(tx);
        throw new Error("inference failed");
      }),
    ).rejects.toThrow("inference failed");
    expect(await database.prisma.embedding.count()).toBe(0);
    expect((await jobRow(jobId)).status).toBe("running");

    // worker-b takes over the expired lease; worker-a's late write is rejected.
    await claim("worker-b", LEASE_MS);
    await expect(withJobTransaction(database.prisma, "worker-a", jobId, writeEmbedding(2))).rejects.toBeInstanceOf(
      JobLeaseLostError,
    );
    expect(await database.prisma.embedding.count()).toBe(0);

    await withJobTransaction(database.prisma, "worker-b", jobId, writeEmbedding(3));
    expect((await jobRow(jobId)).status).toBe("done");
    const stored = await database.prisma.embedding.findMany();
    expect(stored).toHaveLength(1);
    expect(new Float32Array(new Uint8Array(stored[0]!.vector).buffer)[0]).toBe(3);
  });

  it("recovers exactly the jobs of a killed worker", async () => {
    for (let i = 0; i < 20; i++) await enqueueJob(database.prisma, { type: TYPE, payload: i });
    const completions = new Map<number, number>();
    const complete = async (workerId: string, jobId: number) => {
      if (await completeJob(database.prisma, workerId, jobId)) completions.set(jobId, (completions.get(jobId) ?? 0) + 1);
    };

    // worker-a claims a batch of 10, completes 4 of them and dies: no more heartbeats, no completions.
    const batchA = await claim("worker-a", 0);
    expect(batchA).toHaveLength(10);
    for (const job of batchA.slice(0, 4)) await complete("worker-a", job.id);
    const unfinished = batchA.slice(4).map((job) => job.id);

    // worker-b, alive meanwhile, gets only the 10 jobs that have no lease.
    const batchB = await claim("worker-b", 100, { limit: 100 });
    expect(batchB).toHaveLength(10);
    expect(batchB.map((job) => job.id).filter((id) => unfinished.includes(id))).toEqual([]);
    for (const job of batchB) await complete("worker-b", job.id);

    // After worker-a's lease expires, worker-b gets exactly worker-a's unfinished jobs.
    expect(await claim("worker-b", LEASE_MS - 1, { limit: 100 })).toEqual([]);
    const recovered = await claim("worker-b", LEASE_MS, { limit: 100 });
    expect(recovered.map((job) => job.id).sort((a, b) => a - b)).toEqual(unfinished);
    for (const job of recovered) await complete("worker-b", job.id);

    expect(completions.size).toBe(20);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
    expect(await countJobsByStatus(database.prisma)).toEqual({ queued: 0, running: 0, done: 20, failed: 0 });
  });

  it("counts jobs by status and type", async () => {
    await enqueueJob(database.prisma, { type: TYPE, payload: 1 });
    await enqueueJob(database.prisma, { type: TYPE, payload: 2 });
    await enqueueJob(database.prisma, { type: "other-type", payload: 3 });
    await claim("worker-a", 0, { limit: 1 });

    expect(await countJobsByStatus(database.prisma)).toEqual({ queued: 2, running: 1, done: 0, failed: 0 });
    expect(await countJobsByStatus(database.prisma, { type: "other-type" })).toEqual({ queued: 1, running: 0, done: 0, failed: 0 });
  });

  it("rejects invalid claim options", async () => {
    await expect(claim("worker-a", 0, { limit: 0 })).rejects.toThrow("Invalid limit 0");
    await expect(claim("worker-a", 0, { types: [] })).rejects.toThrow("Invalid types");
    await expect(enqueueJob(database.prisma, { type: TYPE, payload: undefined })).rejects.toThrow("JSON-serialisable");
  });
});
