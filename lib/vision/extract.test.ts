import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { COLOUR_FEATURE_DIMENSION, COLOUR_FEATURE_VERSION } from "./colour-features";
import { extractFeatures } from "./extract";
import { readView } from "./feature-cache";
import { writeTinyLayersModel } from "./test-helpers";

let dir: string;
const items: { id: string; imagePath: string }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-extract-"));
  fs.mkdirSync(path.join(dir, "model"));
  await writeTinyLayersModel(path.join(dir, "model"));
  for (let i = 0; i < 5; i++) {
    const imagePath = path.join(dir, `${i}.png`);
    await sharp({ create: { width: 12, height: 16, channels: 3, background: { r: 50 * i, g: 100, b: 200 } } })
      .png()
      .toFile(imagePath);
    items.push({ id: String(i), imagePath });
  }
  items.push({ id: "broken", imagePath: path.join(dir, "missing.png") });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("extractFeatures", () => {
  const options = () => ({
    cacheDir: path.join(dir, "cache"),
    backbone: { kind: "layers-model" as const, modelDir: path.join(dir, "model"), embeddingLayer: "features", inputRange: [-1, 1] as const, id: "tiny" },
    workerCount: 2,
    chunkSize: 2,
    views: [{ name: "original", augment: false, items }],
  });

  it("embeds on two workers and resumes", async () => {
    const first = await extractFeatures(options());
    expect(first.extractedImages).toBe(5);
    expect(first.failedImages).toBe(1);

    const view = readView(options().cacheDir, "original", items.map((item) => item.id), 2);
    expect(view.ids).toEqual(["0", "1", "2", "3", "4"]);
    expect(view.dimension).toBe(4);
    expect(view.colourDimension).toBe(COLOUR_FEATURE_DIMENSION);
    expect(view.failed.map((failure) => failure.id)).toEqual(["broken"]);
    // Every pixel of image 0 is (0, 100, 200); scaled to [-1, 1] its channel sum is 0.354..., filter j multiplies by j + 1.
    const sum = -1 + (100 / 255) * 2 - 1 + (200 / 255) * 2 - 1;
    expect(view.embeddings[0]).toBeCloseTo(sum, 2);
    expect(view.embeddings[3]).toBeCloseTo(4 * sum, 2);

    // A removed chunk manifest is the state a killed run leaves: only that chunk is redone.
    fs.rmSync(path.join(options().cacheDir, "original", "00001.json"));
    const second = await extractFeatures(options());
    expect(second.extractedImages).toBe(2);
    expect(second.cachedImages).toBe(4);
  });

  it("recomputes stale colour features only", async () => {
    const before = readView(options().cacheDir, "original", items.map((item) => item.id), 2);
    const manifestPath = path.join(options().cacheDir, "original", "00000.json");
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
    fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, colourVersion: COLOUR_FEATURE_VERSION - 1 }));
    expect(() => readView(options().cacheDir, "original", items.map((item) => item.id), 2)).toThrow(/colour features of version/);

    const summary = await extractFeatures(options());
    expect(summary.extractedImages).toBe(2);
    const after = readView(options().cacheDir, "original", items.map((item) => item.id), 2);
    expect(Array.from(after.embeddings)).toEqual(Array.from(before.embeddings));
  });
});
