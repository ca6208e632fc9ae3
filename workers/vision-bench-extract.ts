/**
 * Measures feature extraction throughput: `npx tsx workers/vision-bench-extract.ts
 * --images 384 --workers 1`. Embeds the first N catalogue photos (original
 * view: decode, preprocess, colour features, backbone forward pass) into a
 * temporary cache that is deleted afterwards, and prints images per second.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import { datasetDir } from "../lib/config";
import { readLabelledCatalogue } from "../lib/evaluation/dataset";
import { backboneConfigFromEnv } from "../lib/vision/backbone-config";
import { extractFeatures } from "../lib/vision/extract";

const { values } = parseArgs({
  options: {
    images: { type: "string", default: "384" },
    workers: { type: "string", default: "1" },
  },
});
const imageCount = Number(values.images);
const workerCount = Number(values.workers);
if (!Number.isInteger(imageCount) || imageCount < 1) throw new Error(`Invalid --images "${values.images}": use a whole number`);
if (!Number.isInteger(workerCount) || workerCount < 1) throw new Error(`Invalid --workers "${values.workers}": use a whole number`);

const { products } = readLabelledCatalogue(datasetDir());
const items = products.slice(0, imageCount).map((product) => ({ id: product.id, imagePath: product.imagePath }));
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-bench-"));
try {
  const summary = await extractFeatures({
    cacheDir,
    backbone: backboneConfigFromEnv(),
    workerCount,
    // Small chunks so that both workers stay busy until the end.
    chunkSize: 32,
    views: [{ name: "original", augment: false, items }],
  });
  process.stdout.write(
    `${JSON.stringify({ images: summary.extractedImages, workers: workerCount, seconds: Number(summary.seconds.toFixed(1)), imagesPerSecond: Number(summary.imagesPerSecond.toFixed(2)) })}\n`,
  );
} finally {
  fs.rmSync(cacheDir, { recursive: true, force: true });
}
