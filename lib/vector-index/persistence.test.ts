import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { clusteredVectors, rowOf } from "./testing/synthetic";
import type { IndexMismatch } from "./persistence";
import { createVectorIndex, loadVectorIndex, type LoadResult, type VectorIndex } from "./vector-index";

const MODEL = "model-a";
const DIMENSION = 32;
const COUNT = 300;

function loadedIndex(result: LoadResult): VectorIndex {
  if (!result.ok) throw new Error(`Expected the index to load, but: ${result.mismatch.message}`);
  return result.index;
}

function mismatchOf(result: LoadResult): IndexMismatch {
  if (result.ok) throw new Error("Expected a mismatch, but the index loaded");
  return result.mismatch;
}

describe("vector index save and load", () => {
  let dir: string;
  let headerPath: string;
  let index: VectorIndex;
  const generator = clusteredVectors({ dimension: DIMENSION, clusters: 15, seed: 11 });
  const vectors = generator.next(COUNT);
  const queries = generator.next(20);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-index-"));
    headerPath = path.join(dir, "products.json");
    index = createVectorIndex({ modelId: MODEL, dimension: DIMENSION, capacity: 100 });
    for (let row = 0; row < COUNT; row++) await index.add(10 + row, rowOf(vectors, DIMENSION, row));
    await index.markDeleted(10);
    await index.markDeleted(11);
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const expected = { modelId: MODEL, dimension: DIMENSION, count: COUNT - 2 };

  function graphFiles(): string[] {
    return fs.readdirSync(dir).filter((name) => name.endsWith(".hnsw"));
  }

  it("round-trips with the same results", async () => {
    const saved = await index.save(headerPath);
    expect(saved.elementCount).toBe(COUNT);
    expect(saved.deletedCount).toBe(2);
    expect(fs.statSync(saved.indexPath).size).toBe(saved.indexBytes);

    const copy = loadedIndex(await loadVectorIndex(headerPath, expected));

    expect(copy.size).toBe(COUNT - 2);
    expect(copy.deletedCount).toBe(2);
    expect(copy.capacity).toBe(index.capacity);
    expect(copy.efSearch).toBe(index.efSearch);
    expect(copy.filteredEfSearch).toBe(index.filteredEfSearch);
    expect(copy.labels()).toEqual(index.labels());
    for (let q = 0; q < 20; q++) {
      const query = rowOf(queries, DIMENSION, q);
      expect(copy.search(query, 10)).toEqual(index.search(query, 10));
    }

    // The loaded index keeps working: delete marks and inserts.
    expect(await copy.markDeleted(10)).toBe(false);
    await copy.add(10, rowOf(vectors, DIMENSION, 0));
    expect(copy.has(10)).toBe(true);
  });

  it("keeps one graph file per header", async () => {
    await index.save(headerPath);
    const first = graphFiles();
    await index.add(5_000, rowOf(queries, DIMENSION, 0));
    await index.save(headerPath);
    const second = graphFiles();

    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("serialises concurrent saves", async () => {
    const saves = await Promise.all([index.save(headerPath), index.save(headerPath), index.save(headerPath)]);
    expect(graphFiles()).toEqual([path.basename(saves[2]!.indexPath)]);
    expect(loadedIndex(await loadVectorIndex(headerPath, expected)).size).toBe(COUNT - 2);
  });

  it("saves an empty index", async () => {
    const empty = createVectorIndex({ modelId: MODEL, dimension: DIMENSION });
    await empty.save(headerPath);
    const loaded = loadedIndex(await loadVectorIndex(headerPath, { ...expected, count: 0 }));
    expect(loaded.size).toBe(0);
  });

  it("applies inserts after a pending save", async () => {
    const saving = index.save(headerPath);
    // Searches do not wait for the save.
    expect(index.search(rowOf(queries, DIMENSION, 0), 5)).toHaveLength(5);
    const adding = index.add(9_999, rowOf(queries, DIMENSION, 1));
    await Promise.all([saving, adding]);

    const loaded = loadedIndex(await loadVectorIndex(headerPath, expected));
    expect(loaded.has(9_999)).toBe(false);
    expect(index.has(9_999)).toBe(true);
  });

  it("reports a missing index", async () => {
    expect(mismatchOf(await loadVectorIndex(headerPath, expected)).kind).toBe("missing");

    await index.save(headerPath);
    fs.rmSync(path.join(dir, graphFiles()[0]!));
    expect(mismatchOf(await loadVectorIndex(headerPath, expected)).kind).toBe("missing");
  });

  it("reports a truncated graph file", async () => {
    const saved = await index.save(headerPath);
    fs.truncateSync(saved.indexPath, saved.indexBytes - 100);

    expect(mismatchOf(await loadVectorIndex(headerPath, expected))).toEqual({
      kind: "truncated",
      message: `Index graph file ${saved.indexPath} has ${saved.indexBytes - 100} bytes, expected ${saved.indexBytes}`,
    });
  });

  it("reports a corrupt graph file or header", async () => {
    const saved = await index.save(headerPath);
    const bytes = fs.readFileSync(saved.indexPath);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    fs.writeFileSync(saved.indexPath, bytes);
    const flipped = mismatchOf(await loadVectorIndex(headerPath, expected));
    expect(flipped.kind).toBe("corrupt");
    expect(flipped.message).toMatch(/does not match the SHA-256/);

    fs.writeFileSync(headerPath, "{ not json");
    expect(mismatchOf(await loadVectorIndex(headerPath, expected)).kind).toBe("corrupt");
  });

  it("reports model, dimension, count and format mismatches", async () => {
    await index.save(headerPath);
    const cases = [
      { expected: { ...expected, modelId: "model-b" }, kind: "model-mismatch", message: 'built with model "model-a", expected "model-b"' },
      { expected: { ...expected, dimension: 64 }, kind: "dimension-mismatch", message: "has dimension 32, expected 64" },
      { expected: { ...expected, count: COUNT }, kind: "count-mismatch", message: `contains ${COUNT - 2} products, expected ${COUNT}` },
    ];
    for (const testCase of cases) {
      const mismatch = mismatchOf(await loadVectorIndex(headerPath, testCase.expected));
      expect(mismatch.kind).toBe(testCase.kind);
      expect(mismatch.message).toContain(testCase.message);
    }

    const header = JSON.parse(fs.readFileSync(headerPath, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(headerPath, JSON.stringify({ ...header, formatVersion: 99 }));
    expect(mismatchOf(await loadVectorIndex(headerPath, expected)).kind).toBe("unsupported-format");
  });

  it("writes the header fields", async () => {
    await index.save(headerPath);
    const header = JSON.parse(fs.readFileSync(headerPath, "utf8")) as Record<string, unknown>;
    expect(header).toMatchObject({
      formatVersion: 1,
      space: "cosine",
      modelId: MODEL,
      dimension: DIMENSION,
      elementCount: COUNT,
      deletedCount: 2,
      deletedLabels: [10, 11],
      labelKind: "productId",
      indexFile: graphFiles()[0],
    });
  });
});
