import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { openVectorIndex } from "./open";
import { countProductVectors, storedProductVectors } from "./stored-vectors";
import { clusteredVectors, rowOf } from "./testing/synthetic";
import { encodeVector } from "./vectors";

const MODEL = "model-a";
const DIMENSION = 8;
const PLAIN_PRODUCTS = 30;

describe.each(testProviders())("stored vectors and index rebuild on %s", (provider) => {
  let database: TestDatabase;
  let dir: string;
  let headerPath: string;
  const generator = clusteredVectors({ dimension: DIMENSION, clusters: 5, seed: 5 });
  /** Expected vector per indexed product id. */
  const expectedVectors = new Map<number, Float32Array>();
  let merchantId: number;
  let imageCount = 0;

  async function createProduct(status: string, embeddings: { position: number; modelId: string; vector: Float32Array }[]) {
    const product = await database.prisma.product.create({
      data: { merchantId, sku: `sku-${imageCount}-${status}`, title: "Test product", status },
    });
    for (const position of [0, 1]) {
      imageCount++;
      const image = await database.prisma.productImage.create({
        data: {
          productId: product.id,
          position,
          contentHash: `hash-${imageCount}`,
          byteSize: 1,
          width: 1,
          height: 1,
          format: "jpeg",
          storageKey: `images/${imageCount}.jpg`,
          thumbnailKey: `thumbs/${imageCount}.jpg`,
        },
      });
      for (const embedding of embeddings.filter((entry) => entry.position === position)) {
        await database.prisma.embedding.create({
          data: {
            imageId: image.id,
            modelId: embedding.modelId,
            dimension: embedding.vector.length,
            vector: encodeVector(embedding.vector),
          },
        });
      }
    }
    return product.id;
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    merchantId = (await database.prisma.merchant.create({ data: { slug: "acme", name: "Acme" } })).id;
    const vectors = generator.next(PLAIN_PRODUCTS + 2);

    for (let i = 0; i < PLAIN_PRODUCTS; i++) {
      const vector = rowOf(vectors, DIMENSION, i);
      const id = await createProduct("published", [{ position: 0, modelId: MODEL, vector }]);
      expectedVectors.set(id, vector);
    }
    // Both images embedded: the first position wins.
    const first = rowOf(vectors, DIMENSION, PLAIN_PRODUCTS);
    const second = rowOf(vectors, DIMENSION, PLAIN_PRODUCTS + 1);
    const twoImages = await createProduct("published", [
      { position: 0, modelId: MODEL, vector: first },
      { position: 1, modelId: MODEL, vector: second },
    ]);
    expectedVectors.set(twoImages, first);
    // Only the second image embedded.
    const secondOnly = await createProduct("published", [{ position: 1, modelId: MODEL, vector: second }]);
    expectedVectors.set(secondOnly, second);
    // Left out: drafts, deleted products, and embeddings of another model.
    await createProduct("draft", [{ position: 0, modelId: MODEL, vector: first }]);
    await createProduct("deleted", [{ position: 0, modelId: MODEL, vector: first }]);
    await createProduct("published", [{ position: 0, modelId: "model-b", vector: first }]);
  });

  afterAll(async () => {
    await database?.drop();
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-open-index-"));
    headerPath = path.join(dir, "index.json");
    return () => fs.rmSync(dir, { recursive: true, force: true });
  });

  function captureLogs() {
    const lines: { level: number; msg: string; reason?: string }[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    return { logger, lines };
  }

  it("streams one vector per published product", async () => {
    const streamed = new Map<number, Float32Array>();
    for await (const { label, vector } of storedProductVectors(database.prisma, MODEL, DIMENSION)) {
      streamed.set(label, Float32Array.from(vector));
    }

    expect([...streamed.keys()]).toEqual([...expectedVectors.keys()].sort((a, b) => a - b));
    for (const [label, vector] of expectedVectors) expect(streamed.get(label)).toEqual(vector);
    expect(await countProductVectors(database.prisma, MODEL)).toBe(expectedVectors.size);
  });

  it("rejects a stored embedding of another dimension", async () => {
    const stream = storedProductVectors(database.prisma, MODEL, 16);
    await expect(stream.next()).rejects.toThrow(/has dimension 8, expected 16/);
  });

  it("rebuilds a missing index, then loads it", async () => {
    const { logger, lines } = captureLogs();
    const first = await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath, logger });
    expect(first.rebuiltBecause?.kind).toBe("missing");
    expect(first.index.labels()).toEqual([...expectedVectors.keys()].sort((a, b) => a - b));
    expect(lines.find((line) => line.level === 40)).toMatchObject({ reason: "missing" });
    expect(lines.find((line) => line.level === 40)?.msg).toMatch(/^Rebuilding vector index: Index header .* does not exist$/);

    const second = await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath, logger });
    expect(second.rebuiltBecause).toBeNull();
    expect(second.index.labels()).toEqual(first.index.labels());
    const query = expectedVectors.values().next().value!;
    expect(second.index.search(query, 5)).toEqual(first.index.search(query, 5));
  });

  it("rebuilds after a truncated graph file", async () => {
    const { index } = await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath });
    const saved = await index.save(headerPath);
    fs.truncateSync(saved.indexPath, Math.floor(saved.indexBytes / 2));

    const reopened = await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath });
    expect(reopened.rebuiltBecause?.kind).toBe("truncated");
    expect(reopened.index.size).toBe(expectedVectors.size);

    const again = await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath });
    expect(again.rebuiltBecause).toBeNull();
  });

  it("rebuilds for another model id", async () => {
    await openVectorIndex(database.prisma, { modelId: MODEL, dimension: DIMENSION, headerPath });
    const other = await openVectorIndex(database.prisma, { modelId: "model-b", dimension: DIMENSION, headerPath });
    expect(other.rebuiltBecause?.kind).toBe("model-mismatch");
    expect(other.index.modelId).toBe("model-b");
    expect(other.index.size).toBe(1);
  });

  it("rebuilds for another dimension", async () => {
    // Embeddings re-extracted under the same model id with a new dimension.
    const modelId = "model-c";
    const productId = [...expectedVectors.keys()][0]!;
    const image = await database.prisma.productImage.findFirstOrThrow({ where: { productId, position: 1 } });
    await database.prisma.embedding.create({
      data: { imageId: image.id, modelId, dimension: DIMENSION, vector: encodeVector(expectedVectors.get(productId)!) },
    });
    await openVectorIndex(database.prisma, { modelId, dimension: DIMENSION, headerPath });

    const wider = Float32Array.from({ length: 2 * DIMENSION }, (_, i) => i + 1);
    await database.prisma.embedding.update({
      where: { imageId_modelId: { imageId: image.id, modelId } },
      data: { dimension: wider.length, vector: encodeVector(wider) },
    });
    const reopened = await openVectorIndex(database.prisma, { modelId, dimension: wider.length, headerPath });
    expect(reopened.rebuiltBecause?.kind).toBe("dimension-mismatch");
    expect(reopened.index.dimension).toBe(wider.length);
    expect(reopened.index.search(wider, 1)[0]).toMatchObject({ label: productId });
  });
});
