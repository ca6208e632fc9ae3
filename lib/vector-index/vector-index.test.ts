import path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { AsyncMutex } from "./mutex";
import { readCachedEmbeddings } from "./testing/cached-embeddings";
import { clusteredVectors, exactSearch, recall, rowOf } from "./testing/synthetic";
import { createVectorIndex, rebuildFromEmbeddings, type VectorIndex } from "./vector-index";
import { decodeVector, encodeVector } from "./vectors";

/** Builds an index whose label for row i is `labelOf(i)`. */
async function buildIndex(vectors: Float32Array, dimension: number, labelOf: (row: number) => number = (row) => row) {
  const count = vectors.length / dimension;
  const labels = Int32Array.from({ length: count }, (_, row) => labelOf(row));
  const index = await rebuildFromEmbeddings(
    Array.from({ length: count }, (_, row) => ({ label: labels[row]!, vector: rowOf(vectors, dimension, row) })),
    { modelId: "test-model", dimension, capacity: count },
  );
  return { index, labels };
}

function meanRecall(
  index: VectorIndex,
  data: { vectors: Float32Array; labels: Int32Array },
  queries: Float32Array,
  dimension: number,
  filter?: (label: number) => boolean,
  filterStrategy?: "callback" | "overfetch",
): number {
  const queryCount = queries.length / dimension;
  let total = 0;
  for (let q = 0; q < queryCount; q++) {
    const query = rowOf(queries, dimension, q);
    const found = index.search(query, 10, { filter, filterStrategy }).map((hit) => hit.label);
    total += recall(found, exactSearch(data.vectors, data.labels, dimension, query, 10, filter));
  }
  return total / queryCount;
}

describe("vector index recall", () => {
  const dimension = 1_024;
  const count = 3_000;
  let vectors: Float32Array;
  let queries: Float32Array;
  let index: VectorIndex;
  let labels: Int32Array;

  beforeAll(async () => {
    // About 20 vectors per cluster, like groups of near-identical catalogue products.
    const generator = clusteredVectors({ dimension, clusters: count / 20, seed: 7 });
    vectors = generator.next(count);
    queries = generator.next(100);
    // Labels unlike row numbers, as product ids are.
    ({ index, labels } = await buildIndex(vectors, dimension, (row) => 1_000 + row * 3));
  });

  it("recall@10 is at least 0.99 on clustered vectors", () => {
    expect(meanRecall(index, { vectors, labels }, queries, dimension)).toBeGreaterThanOrEqual(0.99);
  });

  it("filtered search returns only matching labels", () => {
    // About 5% and 1% of the products.
    for (const modulus of [20, 100]) {
      const filter = (label: number) => label % modulus === 0;
      for (const strategy of ["callback", "overfetch"] as const) {
        for (let q = 0; q < 20; q++) {
          const hits = index.search(rowOf(queries, dimension, q), 10, { filter, filterStrategy: strategy });
          expect(hits).toHaveLength(10);
          expect(hits.every((hit) => filter(hit.label))).toBe(true);
        }
      }
    }
  });

  it("filter callback keeps recall under selective filters", () => {
    for (const modulus of [20, 100]) {
      const filter = (label: number) => label % modulus === 0;
      expect(meanRecall(index, { vectors, labels }, queries, dimension, filter, "callback")).toBeGreaterThanOrEqual(0.99);
    }
  });

  it("returns scores as cosine similarity", () => {
    const query = rowOf(queries, dimension, 0);
    const [best] = index.search(query, 1);
    const row = labels.indexOf(best!.label);
    let dot = 0;
    for (let i = 0; i < dimension; i++) dot += query[i]! * vectors[row * dimension + i]!;
    expect(best!.score).toBeCloseTo(dot, 5);
    expect(best!.distance).toBeCloseTo(1 - dot, 5);
  });
});

const featuresDir = path.resolve("data", "features");
/** Catalogue embeddings from the vision extraction; the test is skipped where that cache is absent. */
const catalogue = readCachedEmbeddings(featuresDir, "fashion-products", { limit: 5_100 });
const queryPhotos = readCachedEmbeddings(featuresDir, "queries", { limit: 100 });

describe.skipIf(!catalogue)("vector index on real embeddings", () => {
  it("recall@10 is at least 0.99", async () => {
    const { ids, dimension, vectors: all } = catalogue!;
    // The last 100 catalogue images are left out of the index and serve as
    // unseen queries, together with shoppers' photos of catalogue products.
    const indexed = all.subarray(0, (ids.length - 100) * dimension);
    const heldOut = all.subarray((ids.length - 100) * dimension);
    const { index, labels } = await buildIndex(indexed, dimension);

    expect(meanRecall(index, { vectors: indexed, labels }, heldOut, dimension)).toBeGreaterThanOrEqual(0.99);
    if (queryPhotos && queryPhotos.dimension === dimension) {
      expect(meanRecall(index, { vectors: indexed, labels }, queryPhotos.vectors, dimension)).toBeGreaterThanOrEqual(0.99);
    }

    // A filter admitting 5% of the products, like a narrow facet selection.
    const filter = (label: number) => label % 20 === 0;
    expect(meanRecall(index, { vectors: indexed, labels }, heldOut, dimension, filter)).toBeGreaterThanOrEqual(0.99);
  });
});

describe("vector index", () => {
  const dimension = 16;
  const generator = clusteredVectors({ dimension, clusters: 10, seed: 3 });

  it("grows capacity when full", async () => {
    const index = createVectorIndex({ modelId: "m", dimension, capacity: 4 });
    const vectors = generator.next(50);
    for (let row = 0; row < 50; row++) await index.add(row, rowOf(vectors, dimension, row));

    expect(index.size).toBe(50);
    expect(index.capacity).toBeGreaterThanOrEqual(50);
    for (let row = 0; row < 50; row++) {
      expect(index.search(rowOf(vectors, dimension, row), 1)[0]?.label).toBe(row);
    }
  });

  it("replaces the vector of an existing label", async () => {
    const index = createVectorIndex({ modelId: "m", dimension });
    const vectors = generator.next(3);
    await index.add(1, rowOf(vectors, dimension, 0));
    await index.add(2, rowOf(vectors, dimension, 1));
    await index.add(1, rowOf(vectors, dimension, 2));

    expect(index.size).toBe(2);
    const [best] = index.search(rowOf(vectors, dimension, 2), 1);
    expect(best?.label).toBe(1);
    expect(best?.score).toBeCloseTo(1, 5);
  });

  it("counts delete marks toward a rebuild", async () => {
    const vectors = generator.next(100);
    const { index } = await buildIndex(vectors, dimension);
    expect(index.needsRebuild).toBe(false);

    for (let label = 0; label < 9; label++) expect(await index.markDeleted(label)).toBe(true);
    expect(index.deletedCount).toBe(9);
    expect(index.needsRebuild).toBe(false);
    expect(await index.markDeleted(0)).toBe(false);
    expect(await index.markDeleted(12_345)).toBe(false);

    await index.markDeleted(9);
    expect(index.needsRebuild).toBe(true);
    expect(index.size).toBe(90);
    expect(index.has(5)).toBe(false);
    expect(index.labels()).toEqual(Array.from({ length: 90 }, (_, i) => i + 10));

    for (let row = 0; row < 10; row++) {
      const hits = index.search(rowOf(vectors, dimension, row), 20);
      expect(hits.some((hit) => hit.label < 10)).toBe(false);
    }

    // Adding a deleted label again makes it live.
    await index.add(3, rowOf(vectors, dimension, 3));
    expect(index.has(3)).toBe(true);
    expect(index.deletedCount).toBe(9);
    expect(index.search(rowOf(vectors, dimension, 3), 1)[0]?.label).toBe(3);
  });

  it("rebuild drops deleted labels and keeps searching", async () => {
    const vectors = generator.next(41);
    const { index } = await buildIndex(vectors.subarray(0, 40 * dimension), dimension);
    for (let label = 0; label < 10; label++) await index.markDeleted(label);
    const query = rowOf(vectors, dimension, 20);

    // The source pauses halfway, so the test can act while the new graph is half built.
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    let reachedPause!: () => void;
    const atPause = new Promise<void>((resolve) => (reachedPause = resolve));
    async function* liveVectors() {
      for (let row = 10; row < 40; row++) {
        if (row === 25) {
          reachedPause();
          await paused;
        }
        yield { label: row, vector: rowOf(vectors, dimension, row) };
      }
    }

    const rebuilt = index.rebuild(liveVectors(), { capacity: 30 });
    await atPause;
    expect(index.search(query, 1)[0]?.label).toBe(20);
    expect(index.deletedCount).toBe(10);
    let addDone = false;
    const added = index.add(40, rowOf(vectors, dimension, 40)).then(() => (addDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(addDone).toBe(false);

    resume();
    await rebuilt;
    await added;
    expect(index.deletedCount).toBe(0);
    expect(index.needsRebuild).toBe(false);
    expect(index.labels()).toEqual(Array.from({ length: 31 }, (_, i) => i + 10));
    expect(index.search(query, 1)[0]?.label).toBe(20);
    expect(index.search(rowOf(vectors, dimension, 40), 1)[0]?.label).toBe(40);
  });

  it("rebuild keeps the old graph when the source throws", async () => {
    const vectors = generator.next(20);
    const { index } = await buildIndex(vectors, dimension);
    await index.markDeleted(0);
    async function* failing() {
      yield { label: 1, vector: rowOf(vectors, dimension, 1) };
      throw new Error("database gone");
    }

    await expect(index.rebuild(failing())).rejects.toThrow("database gone");
    expect(index.size).toBe(19);
    expect(index.deletedCount).toBe(1);
    expect(index.search(rowOf(vectors, dimension, 5), 1)[0]?.label).toBe(5);
  });

  it("returns fewer hits than k when the index is small", async () => {
    const index = createVectorIndex({ modelId: "m", dimension });
    expect(index.search(generator.next(1), 5)).toEqual([]);
    const vectors = generator.next(3);
    for (let row = 0; row < 3; row++) await index.add(row, rowOf(vectors, dimension, row));
    expect(index.search(rowOf(vectors, dimension, 0), 5)).toHaveLength(3);
  });

  it("rejects invalid input", async () => {
    const index = createVectorIndex({ modelId: "m", dimension });
    const vector = generator.next(1);
    await expect(index.add(1, vector.subarray(1))).rejects.toThrow("Invalid vector: 15 values, expected 16");
    await expect(index.add(1, new Float32Array(dimension))).rejects.toThrow("all values are zero");
    await expect(index.add(1, Float32Array.from(vector, (v, i) => (i === 3 ? Number.NaN : v)))).rejects.toThrow(
      "value NaN at position 3",
    );
    await expect(index.add(-1, vector)).rejects.toThrow("Invalid label -1");
    await expect(index.add(1.5, vector)).rejects.toThrow("Invalid label 1.5");
    expect(() => index.search(vector, 0)).toThrow("Invalid k 0");
    expect(() => createVectorIndex({ modelId: "m", dimension: 0 })).toThrow("Invalid dimension 0");
  });

  it("rethrows an error from the filter", async () => {
    const vectors = generator.next(20);
    const { index } = await buildIndex(vectors, dimension);
    const filter = () => {
      throw new Error("facet lookup failed");
    };
    expect(() => index.search(rowOf(vectors, dimension, 0), 5, { filter })).toThrow("facet lookup failed");
  });
});

describe("AsyncMutex", () => {
  it("runs callbacks one at a time in call order", async () => {
    const mutex = new AsyncMutex();
    const events: string[] = [];
    const task = (name: string, ms: number) =>
      mutex.run(async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`end ${name}`);
      });

    const failing = mutex.run(() => {
      throw new Error("boom");
    });
    await Promise.all([task("a", 20), task("b", 1), expect(failing).rejects.toThrow("boom")]);
    expect(events).toEqual(["start a", "end a", "start b", "end b"]);
  });
});

describe("vector encoding", () => {
  it("round-trips little-endian float32", () => {
    const vector = [1.5, -2.25, 3.4028234663852886e38, 0];
    const bytes = encodeVector(vector);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x00, 0x00, 0xc0, 0x3f]);
    expect(Array.from(decodeVector(bytes, 4))).toEqual(vector);
    expect(() => decodeVector(bytes, 3)).toThrow("16 bytes, expected 12");
  });
});
