/**
 * The vision worker end to end on 60 real catalogue products: import with the
 * importer, tag with the worker's batch logic on two embedding threads, and
 * query through the query server and the photo search route handler.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { importDataset } from "@/lib/catalogue/importer";
import { claimJobs, enqueueImageTagging, TAG_IMAGE_JOB } from "@/lib/jobs";
import { handlePhotoSearch } from "@/lib/photo-search/http";
import { startEmbedderPool, type EmbedderPool, type ImageEmbedding } from "@/lib/tagging/embedder-pool";
import { predictImages } from "@/lib/tagging/predict";
import { startQueryServer, type QueryServer } from "@/lib/tagging/query-server";
import type { TaggingContext } from "@/lib/tagging/tag-batch";
import { enqueueUntaggedImages, tagUntilIdle } from "@/lib/tagging/tagging-loop";
import { openVectorIndex, type VectorIndex } from "@/lib/vector-index";
import { backboneConfigFromEnv } from "@/lib/vision/backbone-config";
import { modelsDir } from "@/lib/vision/config";
import type { FusionModel } from "@/lib/vision/fusion-model";
import { loadFusionModel } from "@/lib/vision/fusion-store";
import { selectBackend } from "@/lib/vision/tf-backend";
import { DEFAULT_MODEL_ID } from "@/lib/vision/training-config";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/databases";

const DATASET_DIR = path.resolve("..", "shared", "datasets", "fashion-products");
const QUERIES_DIR = path.join(DATASET_DIR, "near-duplicates", "queries");
const PRODUCTS = 60;
/** Products of the subset that have a near-duplicate query photo. */
const QUERY_PRODUCTS = 20;
const LEASE_MS = 60_000;

const logger = pino({ level: "silent" });
const available = fs.existsSync(path.join(DATASET_DIR, "styles.csv")) && fs.existsSync(QUERIES_DIR);

let database: TestDatabase;
let workDir: string;
let pool: EmbedderPool;
let model: FusionModel;
let index: VectorIndex;
let server: QueryServer;
/** Dataset id (the SKU) -> database product id, for the subset. */
const productIdBySku = new Map<string, number>();
let querySkus: string[] = [];

function contextFor(workerId: string): TaggingContext {
  return { database, workerId, pool, model, index, imageStoreDir: path.join(workDir, "store"), leaseMs: LEASE_MS, logger };
}

async function counts() {
  const db = database.prisma;
  return {
    embeddings: await db.embedding.count(),
    predictions: await db.prediction.count(),
    modelAttributes: await db.productAttribute.count({ where: { source: "model" } }),
    tagged: await db.productImage.count({ where: { status: "tagged" } }),
    doneJobs: await db.job.count({ where: { type: TAG_IMAGE_JOB, status: "done" } }),
    openJobs: await db.job.count({ where: { type: TAG_IMAGE_JOB, status: { in: ["queued", "running"] } } }),
  };
}

async function searchPhoto(file: string, allowedProductIds?: number[]) {
  const response = await fetch(`http://127.0.0.1:${server.port}/embed-search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ image: fs.readFileSync(file).toString("base64"), k: 5, allowedProductIds }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { hits: { productId: number; score: number }[] };
}

describe.skipIf(!available)("vision worker on real catalogue images", () => {
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-worker-"));

    // The subset: products with a query photo first, then others, in catalogue order.
    const lines = fs.readFileSync(path.join(DATASET_DIR, "styles.csv"), "utf8").trim().split("\n");
    const queryIds = new Set(fs.readdirSync(QUERIES_DIR).map((name) => path.parse(name).name));
    const withQuery = lines.slice(1).filter((line) => queryIds.has(line.split(",")[0]!));
    const others = lines.slice(1).filter((line) => !queryIds.has(line.split(",")[0]!));
    const rows = [...withQuery.slice(0, QUERY_PRODUCTS), ...others.slice(0, PRODUCTS - QUERY_PRODUCTS)];
    querySkus = withQuery.slice(0, QUERY_PRODUCTS).map((line) => line.split(",")[0]!);
    const catalogueFile = path.join(workDir, "styles.csv");
    fs.writeFileSync(catalogueFile, `${[lines[0], ...rows].join("\n")}\n`);

    const summary = await importDataset({
      database,
      datasetDir: DATASET_DIR,
      catalogueFile,
      imageStoreDir: path.join(workDir, "store"),
      reportsDir: path.join(workDir, "reports"),
    });
    expect(summary.imported).toBe(PRODUCTS);
    for (const product of await database.prisma.product.findMany({ select: { id: true, sku: true } })) {
      productIdBySku.set(product.sku, product.id);
    }

    await selectBackend();
    model = loadFusionModel(path.join(modelsDir(), DEFAULT_MODEL_ID));
    pool = await startEmbedderPool({ backbone: backboneConfigFromEnv(), threads: 2, logger });
    ({ index } = await openVectorIndex(database.prisma, {
      modelId: model.modelId,
      dimension: pool.dimension,
      headerPath: path.join(workDir, "index", "index.json"),
      logger,
    }));
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await pool?.close();
    model?.dispose();
    await database?.drop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("enqueues every pending image once", async () => {
    expect(await enqueueUntaggedImages(database, model.modelId)).toBe(PRODUCTS);
    expect(await enqueueUntaggedImages(database, model.modelId)).toBe(0);
  });

  it("tags a killed worker's batch after its lease expires", async () => {
    // Worker A claims a batch with a 1 ms lease and dies without a heartbeat.
    const abandoned = await claimJobs(database.prisma, database.provider, { workerId: "dead-worker", types: [TAG_IMAGE_JOB], limit: 16, leaseMs: 1 });
    expect(abandoned).toHaveLength(16);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const outcome = await tagUntilIdle(contextFor("worker-b"));
    expect(outcome.failed).toBe(0);
    expect(outcome.tagged).toBe(PRODUCTS);

    const after = await counts();
    expect(after.embeddings).toBe(PRODUCTS);
    expect(after.predictions).toBe(PRODUCTS);
    expect(after.tagged).toBe(PRODUCTS);
    expect(after.doneJobs).toBe(PRODUCTS);
    expect(after.openJobs).toBe(0);
    expect(index.size).toBe(PRODUCTS);
  }, 300_000);

  it("writes rows once when jobs run twice", async () => {
    const before = await counts();
    const prediction = await database.prisma.prediction.findFirstOrThrow({ orderBy: { id: "asc" } });

    const imageIds = (await database.prisma.productImage.findMany({ select: { id: true } })).map((image) => image.id);
    const requeued = await enqueueImageTagging(database.prisma, imageIds);
    expect(requeued.enqueued).toHaveLength(PRODUCTS);
    const outcome = await tagUntilIdle(contextFor("worker-c"));
    expect(outcome.tagged).toBe(PRODUCTS);

    expect(await counts()).toEqual(before);
    expect(index.size).toBe(PRODUCTS);
    const again = await database.prisma.prediction.findUniqueOrThrow({ where: { id: prediction.id } });
    expect(again.categoryTopK).toBe(prediction.categoryTopK);
    const topK = JSON.parse(again.categoryTopK) as { category: string; score: number }[];
    expect(topK).toHaveLength(5);
    expect(Buffer.from(again.attributeScores).length).toBe(model.vocabularies.attributes.length * 4);
  }, 300_000);

  it("returns the product first for near-duplicate photos", async () => {
    server = await startQueryServer({ database, pool, index, modelId: model.modelId, backend: pool.backend, logger, port: 0 });
    let first = 0;
    for (const sku of querySkus) {
      const { hits } = await searchPhoto(path.join(QUERIES_DIR, `${sku}.jpg`));
      if (hits[0]?.productId === productIdBySku.get(sku)) first++;
    }
    // NOTE: 20 queries; the shared set's recall@1 over all 290 is measured by the evaluate command.
    expect(first).toBeGreaterThanOrEqual(QUERY_PRODUCTS - 1);
  }, 300_000);

  it("restricts filtered searches to allowed products", async () => {
    const allowed = [...productIdBySku.values()].filter((_, position) => position % 2 === 1);
    const allowedSet = new Set(allowed);
    for (const sku of querySkus.slice(0, 5)) {
      const { hits } = await searchPhoto(path.join(QUERIES_DIR, `${sku}.jpg`), allowed);
      expect(hits.length).toBe(5);
      for (const hit of hits) expect(allowedSet.has(hit.productId)).toBe(true);
    }
  }, 120_000);

  it("serves photo search through the route handler", async () => {
    process.env.STYLELENS_WORKER_PORT = String(server.port);
    try {
      const sku = querySkus[0]!;
      const form = new FormData();
      form.set("image", new Blob([fs.readFileSync(path.join(QUERIES_DIR, `${sku}.jpg`))]), "query.jpg");
      form.set("k", "3");
      const response = await handlePhotoSearch(new Request("http://127.0.0.1/api/search/photo", { method: "POST", body: form }), () => database);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { hits: { productId: number; sku: string; title: string; score: number; imageUrl: string }[]; modelId: string };
      expect(body.modelId).toBe(model.modelId);
      expect(body.hits).toHaveLength(3);
      expect(body.hits[0]!.sku).toBe(sku);
      expect(body.hits[0]!.imageUrl).toMatch(/^\/media\//);
    } finally {
      delete process.env.STYLELENS_WORKER_PORT;
    }
  }, 120_000);

  it("returns similar products without the product itself", async () => {
    const productId = productIdBySku.get(querySkus[0]!)!;
    const response = await fetch(`http://127.0.0.1:${server.port}/similar/${productId}?k=4`);
    expect(response.status).toBe(200);
    const { hits } = (await response.json()) as { hits: { productId: number }[] };
    expect(hits).toHaveLength(4);
    expect(hits.map((hit) => hit.productId)).not.toContain(productId);
  }, 60_000);

  it("rejects a truncated query photo", async () => {
    const photo = fs.readFileSync(path.join(QUERIES_DIR, `${querySkus[0]!}.jpg`));
    const response = await fetch(`http://127.0.0.1:${server.port}/embed-search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ image: photo.subarray(0, 3000).toString("base64"), k: 5 }),
    });

    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toMatch(/^The image could not be decoded: .*premature end/i);
  }, 60_000);

  it("has no similar products for a deleted product", async () => {
    const productId = productIdBySku.get(querySkus[1]!)!;
    await database.prisma.product.update({ where: { id: productId }, data: { status: "deleted" } });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/similar/${productId}?k=4`);
      expect(response.status).toBe(404);
    } finally {
      await database.prisma.product.update({ where: { id: productId }, data: { status: "published" } });
    }
  }, 60_000);

  it("keeps tensor counts flat over 1,000 embeddings", async () => {
    const files = querySkus.slice(0, 8).map((sku) => path.join(QUERIES_DIR, `${sku}.jpg`));
    const threadCounts = new Set<number>();
    const mainCounts = new Set<number>();
    for (let batch = 0; batch < 125; batch++) {
      const response = await pool.embed(files, "batch");
      threadCounts.add(response.numTensors);
      await predictImages(model, response.results as ImageEmbedding[]);
      mainCounts.add(tf.memory().numTensors);
    }
    // 125 batches x 8 images = 1,000 embeddings, each batch possibly on either thread; both threads hold the same model.
    expect(threadCounts.size).toBe(1);
    expect(mainCounts.size).toBe(1);
  }, 900_000);
});
