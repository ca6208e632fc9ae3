import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { datasetDir } from "../config";
import { startEmbedderPool, type EmbedderPool, type ImageEmbedding } from "../tagging/embedder-pool";
import type { Backbone } from "./backbone";
import { backboneConfigFromEnv, type BackboneConfig } from "./backbone-config";
import { createXception } from "./backbones/xception";
import { loadBackbone } from "./load-backbone";
import { preprocessImage } from "./preprocess";
import { writeKerasH5Weights } from "./weights/keras-h5-writer";
import { seededKerasLayers } from "./weights/testing";

/**
 * Xception chosen through the environment, as the train and evaluate commands
 * and the vision worker choose it. The weights are seeded stand-ins written in
 * the Keras HDF5 layout at 71 pixels, because the ImageNet file is not
 * available offline.
 */
describe("Xception selected by STYLELENS_BACKBONE", () => {
  let tempDir: string;
  let config: BackboneConfig;
  let backbone: Backbone;
  let pool: EmbedderPool | undefined;
  const photo = path.join(datasetDir(), "images", "15970.jpg");

  beforeAll(async () => {
    await tf.setBackend("wasm");
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-load-backbone-"));
    const weightsPath = path.join(tempDir, "seeded-xception.h5");
    const template = createXception({ inputSize: 71 });
    await writeKerasH5Weights(weightsPath, seededKerasLayers(template, 11));
    template.dispose();

    config = backboneConfigFromEnv({
      STYLELENS_BACKBONE: "xception",
      STYLELENS_XCEPTION_WEIGHTS: weightsPath,
      STYLELENS_XCEPTION_INPUT_SIZE: "71",
    });
    backbone = await loadBackbone(config);
  }, 120_000);

  afterAll(async () => {
    await pool?.close();
    backbone?.dispose();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it("loads with the configured id and size", () => {
    expect(backbone.id).toBe("xception-seeded-xception-71@block14_sepconv2_act+gap");
    expect(backbone.id).toBe(config.id);
    expect(backbone.inputSize).toBe(71);
    expect(backbone.dimension).toBe(2048);
  });

  it("embeds on a pool thread like on this thread", async () => {
    pool = await startEmbedderPool({ backbone: config, threads: 1, backend: "wasm" });
    expect(pool.backboneId).toBe(config.id);
    expect(pool.dimension).toBe(2048);

    const response = await pool.embed([photo], "query");
    const result = response.results[0] as ImageEmbedding;
    expect(result.embedding).toHaveLength(2048);

    const image = await preprocessImage(photo, backbone.inputSize);
    const input = tf.tensor4d(image.pixels, [1, 71, 71, 3], "int32");
    const output = backbone.embed(input);
    const expected = (await output.data()) as Float32Array;
    input.dispose();
    output.dispose();
    let maxDifference = 0;
    expected.forEach((value, i) => {
      maxDifference = Math.max(maxDifference, Math.abs(value - result.embedding[i]!));
    });
    expect(maxDifference).toBeLessThan(1e-4);
  }, 120_000);
});
