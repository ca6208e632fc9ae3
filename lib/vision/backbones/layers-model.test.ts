import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { preprocessImage } from "../preprocess";
import { selectBackend } from "../tf-backend";
import { writeTinyLayersModel } from "../test-helpers";
import { mobilenetV1Config } from "../backbone-config";
import { loadLayersModelBackbone } from "./layers-model";

let dir: string;

beforeAll(async () => {
  await selectBackend("wasm");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-layers-"));
  await writeTinyLayersModel(dir);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("loadLayersModelBackbone", () => {
  it("cuts at the layer and pools", async () => {
    const backbone = await loadLayersModelBackbone({ modelDir: dir, embeddingLayer: "features", inputRange: [-1, 1], id: "tiny" });
    expect(backbone.inputSize).toBe(8);
    expect(backbone.dimension).toBe(4);

    // 255 scales to 1 in [-1, 1], so every pixel's channel sum is 3, filter j gives 3 (j + 1),
    // and the average over pixels is the same.
    const images = tf.fill([2, 8, 8, 3], 255) as tf.Tensor4D;
    const embedding = backbone.embed(images);
    expect(embedding.shape).toEqual([2, 4]);
    const values = await embedding.array();
    expect(values[0]).toEqual([3, 6, 9, 12]);
    expect(values[1]).toEqual([3, 6, 9, 12]);
    tf.dispose([images, embedding]);
    backbone.dispose();
  });

  it("applies the input range", async () => {
    const backbone = await loadLayersModelBackbone({ modelDir: dir, embeddingLayer: "features", inputRange: [0, 1] });
    // 0..255 to [0, 1]: half the pixels 0 and half 255 average to 0.5 per channel, 1.5 per pixel sum.
    const data = new Float32Array(8 * 8 * 3);
    for (let i = 0; i < 32 * 3; i++) data[i] = 255;
    const images = tf.tensor4d(data, [1, 8, 8, 3]);
    const embedding = backbone.embed(images);
    const values = Array.from(await embedding.data());
    expect(values.map((value) => Number(value.toFixed(5)))).toEqual([1.5, 3, 4.5, 6]);
    tf.dispose([images, embedding]);
    backbone.dispose();
  });

  it("uses a rank-2 layer output as is", async () => {
    const backbone = await loadLayersModelBackbone({ modelDir: dir, embeddingLayer: "logits", inputRange: [-1, 1] });
    expect(backbone.dimension).toBe(2);
    expect(backbone.id).toBe(`${path.basename(dir)}@logits+gap`);
    backbone.dispose();
  });

  it("keeps the tensor count flat", async () => {
    const backbone = await loadLayersModelBackbone({ modelDir: dir, embeddingLayer: "features", inputRange: [-1, 1] });
    const images = tf.randomUniform([3, 8, 8, 3], 0, 255) as tf.Tensor4D;
    backbone.embed(images).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 25; i++) backbone.embed(images).dispose();
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    backbone.dispose();
  });

  it("rejects an unknown layer", async () => {
    await expect(loadLayersModelBackbone({ modelDir: dir, embeddingLayer: "conv_dw_13_relu", inputRange: [-1, 1] })).rejects.toThrow(
      /Embedding layer "conv_dw_13_relu" not found.*features, flatten, logits/,
    );
  });

  it("rejects a wrong input shape", async () => {
    const backbone = await loadLayersModelBackbone({ modelDir: dir, embeddingLayer: "features", inputRange: [-1, 1] });
    const images = tf.zeros([1, 9, 9, 3]) as tf.Tensor4D;
    expect(() => backbone.embed(images)).toThrow(/expected \[n, 8, 8, 3\]/);
    images.dispose();
    backbone.dispose();
  });

  it("rejects a missing folder", async () => {
    await expect(loadLayersModelBackbone({ modelDir: path.join(dir, "absent"), embeddingLayer: "x", inputRange: [-1, 1] })).rejects.toThrow(
      /Backbone model not found/,
    );
  });
});

const MOBILENET_DIR = process.env.STYLELENS_BACKBONE_DIR ?? path.resolve("..", "shared", "models", "mobilenet-v1-imagenet");
const CATALOGUE_DIR = process.env.STYLELENS_DATASET_DIR ?? path.resolve("..", "shared", "datasets", "fashion-products");
const QUERY_ID = "10017";
const realFilesPresent =
  fs.existsSync(path.join(MOBILENET_DIR, "model.json")) &&
  fs.existsSync(path.join(CATALOGUE_DIR, "near-duplicates", "queries", `${QUERY_ID}.jpg`));

describe.skipIf(!realFilesPresent)("MobileNet v1 on catalogue photos", () => {
  it("matches a near-duplicate to its product", async () => {
    const backbone = await loadLayersModelBackbone(mobilenetV1Config(MOBILENET_DIR));
    expect(backbone.dimension).toBe(1024);
    expect(backbone.inputSize).toBe(224);

    const files = [
      path.join(CATALOGUE_DIR, "near-duplicates", "queries", `${QUERY_ID}.jpg`),
      path.join(CATALOGUE_DIR, "images", `${QUERY_ID}.jpg`),
      path.join(CATALOGUE_DIR, "images", "1563.jpg"),
      path.join(CATALOGUE_DIR, "images", "1580.jpg"),
    ];
    const images = await Promise.all(files.map((file) => preprocessImage(file, 224)));
    const batch = tf.tensor4d(
      Int32Array.from(images.flatMap((image) => Array.from(image.pixels))),
      [images.length, 224, 224, 3],
      "int32",
    );
    const embeddings = backbone.embed(batch);
    const normalised = tf.tidy(() => embeddings.div(embeddings.norm("euclidean", 1, true)));
    const similarities = (await tf.matMul(normalised, normalised, false, true).array()) as number[][];
    const query = similarities[0]!;
    expect(query[1]).toBeGreaterThan(0.9);
    expect(query[1]).toBeGreaterThan(query[2]!);
    expect(query[1]).toBeGreaterThan(query[3]!);
    tf.dispose([batch, embeddings, normalised]);
    backbone.dispose();
  });
});
