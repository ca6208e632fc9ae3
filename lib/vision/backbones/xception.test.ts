import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { KerasLayerWeights } from "../weights/keras-h5";
import { writeKerasH5Weights } from "../weights/keras-h5-writer";
import { seededKerasLayers } from "../weights/testing";
import type { Backbone } from "../backbone";
import {
  XCEPTION_RESIDUAL_BN_NAMES,
  XCEPTION_RESIDUAL_CONV_NAMES,
  createXception,
  loadXceptionBackbone,
  loadXceptionWeights,
  mapXceptionResidualLayerNames,
  resolveXceptionWeightsPath,
} from "./xception";

/** Sum of the sizes of the non-trainable variables (batch-norm moving means and variances). */
function countNonTrainableParams(model: tf.LayersModel): number {
  return model.layers
    .flatMap((layer) => layer.nonTrainableWeights)
    .reduce((total, variable) => total + variable.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Keras's layer names for Xception with the 1000-class top, written out block by block. */
function expectedKerasLayerNames(): string[] {
  const names = ["input_1"];
  names.push("block1_conv1", "block1_conv1_bn", "block1_conv1_act", "block1_conv2", "block1_conv2_bn", "block1_conv2_act");
  const downsampling = [2, 3, 4, 13];
  downsampling.forEach((block, i) => {
    if (block !== 2) names.push(`block${block}_sepconv1_act`);
    names.push(`block${block}_sepconv1`, `block${block}_sepconv1_bn`, `block${block}_sepconv2_act`);
    names.push(`block${block}_sepconv2`, `block${block}_sepconv2_bn`, `block${block}_pool`);
    names.push(XCEPTION_RESIDUAL_CONV_NAMES[i]!, XCEPTION_RESIDUAL_BN_NAMES[i]!);
  });
  for (let block = 5; block <= 12; block++) {
    for (const step of [1, 2, 3]) {
      names.push(`block${block}_sepconv${step}_act`, `block${block}_sepconv${step}`, `block${block}_sepconv${step}_bn`);
    }
  }
  names.push("add", ...Array.from({ length: 11 }, (_, i) => `add_${i + 1}`));
  names.push("block14_sepconv1", "block14_sepconv1_bn", "block14_sepconv1_act");
  names.push("block14_sepconv2", "block14_sepconv2_bn", "block14_sepconv2_act", "avg_pool", "predictions");
  return names;
}

beforeAll(async () => {
  await tf.setBackend("wasm");
});

describe("createXception at 299x299 with top", () => {
  let model: tf.LayersModel;

  beforeAll(() => {
    model = createXception({ inputSize: 299, includeTop: true });
  });

  afterAll(() => {
    model.dispose();
  });

  it("has Keras's parameter counts", () => {
    expect(model.countParams()).toBe(22_910_480);
    expect(countNonTrainableParams(model)).toBe(54_528);
  });

  it("has Keras's layer names in Keras's order", () => {
    const names = model.layers.map((layer) => layer.name);
    expect(names).toHaveLength(134);
    expect(new Set(names)).toEqual(new Set(expectedKerasLayerNames()));
    expect(names.slice(0, 8)).toEqual([
      "input_1",
      "block1_conv1",
      "block1_conv1_bn",
      "block1_conv1_act",
      "block1_conv2",
      "block1_conv2_bn",
      "block1_conv2_act",
      "block2_sepconv1",
    ]);
    expect(names.slice(-5)).toEqual([
      "block14_sepconv2",
      "block14_sepconv2_bn",
      "block14_sepconv2_act",
      "avg_pool",
      "predictions",
    ]);
  });

  it("has Keras's output shapes", () => {
    const shapes: [string, (number | null)[]][] = [
      ["block1_conv1", [null, 149, 149, 32]],
      ["block1_conv2_act", [null, 147, 147, 64]],
      ["add", [null, 74, 74, 128]],
      ["add_1", [null, 37, 37, 256]],
      ["add_2", [null, 19, 19, 728]],
      ["add_10", [null, 19, 19, 728]],
      ["conv2d_3", [null, 10, 10, 1024]],
      ["add_11", [null, 10, 10, 1024]],
      ["block14_sepconv2_act", [null, 10, 10, 2048]],
      ["avg_pool", [null, 2048]],
      ["predictions", [null, 1000]],
    ];
    for (const [name, shape] of shapes) {
      expect(model.getLayer(name).outputShape, name).toEqual(shape);
    }
  });

  it("has Keras's weight shapes", () => {
    const weightShapes = (name: string) => model.getLayer(name).weights.map((variable) => variable.shape);
    expect(weightShapes("block1_conv1")).toEqual([[3, 3, 3, 32]]);
    expect(weightShapes("block2_sepconv1")).toEqual([
      [3, 3, 64, 1],
      [1, 1, 64, 128],
    ]);
    expect(weightShapes("conv2d")).toEqual([[1, 1, 64, 128]]);
    expect(weightShapes("block14_sepconv2_bn")).toEqual([[2048], [2048], [2048], [2048]]);
    expect(weightShapes("predictions")).toEqual([[2048, 1000], [1000]]);
  });
});

describe("createXception without top", () => {
  it("has 20,861,480 parameters and a 2048-d pooled output", () => {
    const model = createXception({ inputSize: 71 });
    expect(model.countParams()).toBe(20_861_480);
    expect(model.outputs[0]!.shape).toEqual([null, 2048]);
    expect(model.getLayer("add_11").outputShape).toEqual([null, 3, 3, 1024]);
    model.dispose();
  });

  it("supports max pooling and no pooling", () => {
    const maxPooled = createXception({ inputSize: 71, pooling: "max" });
    expect(maxPooled.outputs[0]!.shape).toEqual([null, 2048]);
    expect(maxPooled.layers.at(-1)!.name).toBe("max_pool");
    maxPooled.dispose();

    const unpooled = createXception({ inputSize: 71, pooling: "none" });
    expect(unpooled.outputs[0]!.shape).toEqual([null, 3, 3, 2048]);
    expect(unpooled.layers.at(-1)!.name).toBe("block14_sepconv2_act");
    unpooled.dispose();
  });

  it("rejects invalid options", () => {
    expect(() => createXception({ inputSize: 70 })).toThrow(/Invalid Xception inputSize 70: expected an integer of at least 71/);
    expect(() => createXception({ inputSize: 100.5 })).toThrow(/Invalid Xception inputSize 100.5/);
    expect(() => createXception({ pooling: "sum" as "avg" })).toThrow(/Invalid Xception pooling "sum": expected one of avg, max, none/);
    expect(() => createXception({ includeTop: true, classes: 0 })).toThrow(/Invalid Xception classes 0/);
  });
});

describe("mapXceptionResidualLayerNames", () => {
  const expected = (fileConv: string[], fileBn: string[]) =>
    new Map([
      ...fileConv.map((name, i): [string, string] => [name, XCEPTION_RESIDUAL_CONV_NAMES[i]!]),
      ...fileBn.map((name, i): [string, string] => [name, XCEPTION_RESIDUAL_BN_NAMES[i]!]),
    ]);

  it("maps Keras 2.0 names starting at _1", () => {
    const conv = ["conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4"];
    const bn = ["batch_normalization_1", "batch_normalization_2", "batch_normalization_3", "batch_normalization_4"];
    expect(mapXceptionResidualLayerNames(["block1_conv1", ...bn, ...conv])).toEqual(expected(conv, bn));
  });

  it("maps tf.keras names and orders numerically", () => {
    const conv = ["conv2d", "conv2d_1", "conv2d_2", "conv2d_3"];
    const bn = ["batch_normalization_8", "batch_normalization_9", "batch_normalization_10", "batch_normalization_11"];
    // File order is alphabetical here; the numeric suffix decides.
    expect(mapXceptionResidualLayerNames([...conv, "batch_normalization_10", "batch_normalization_11", "batch_normalization_8", "batch_normalization_9"])).toEqual(
      expected(conv, bn),
    );
  });

  it("leaves a family with a wrong count unmapped", () => {
    const map = mapXceptionResidualLayerNames(["conv2d_1", "conv2d_2", "conv2d_3"]);
    expect(map.size).toBe(0);
  });
});

describe("resolveXceptionWeightsPath", () => {
  it("names the setting and the source when unset", () => {
    const resolve = () => resolveXceptionWeightsPath({ env: {} });
    expect(resolve).toThrow(/Xception weights not configured: set STYLELENS_XCEPTION_WEIGHTS/);
    expect(resolve).toThrow(/xception_weights_tf_dim_ordering_tf_kernels_notop\.h5/);
    expect(resolve).toThrow(/keras-team\/keras-applications on GitHub \(release v0\.1\)/);
  });

  it("names the missing path and the setting", () => {
    const missing = path.join(os.tmpdir(), "stylelens-no-such-dir", "weights.h5");
    expect(() => resolveXceptionWeightsPath({ env: { STYLELENS_XCEPTION_WEIGHTS: missing } })).toThrow(
      `Xception weights not found: ${missing} does not exist. Set STYLELENS_XCEPTION_WEIGHTS`,
    );
  });
});

describe("loadXceptionBackbone", () => {
  let tempDir: string;
  let weightsPath: string;
  let backbone: Backbone;
  let written: KerasLayerWeights[];

  beforeAll(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-xception-"));
    weightsPath = path.join(tempDir, "seeded-weights.h5");
    // Write the file with Keras 2.0's residual names (conv2d_1 ... conv2d_4) so the load exercises the renaming.
    const template = createXception({ inputSize: 71 });
    const fileLayerNames = new Map<string, string>();
    XCEPTION_RESIDUAL_CONV_NAMES.forEach((name, i) => fileLayerNames.set(name, `conv2d_${i + 1}`));
    XCEPTION_RESIDUAL_BN_NAMES.forEach((name, i) => fileLayerNames.set(name, `batch_normalization_${i + 1}`));
    written = seededKerasLayers(template, 7, { fileLayerNames });
    await writeKerasH5Weights(weightsPath, written);
    template.dispose();

    backbone = await loadXceptionBackbone({ weightsPath, inputSize: 71 });
  });

  afterAll(() => {
    backbone?.dispose();
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  const images = () => tf.tidy(() => tf.randomUniform([2, 71, 71, 3], 0, 255, "float32", 42) as tf.Tensor4D);

  it("describes itself", () => {
    expect(backbone.id).toBe("xception-seeded-weights-71@block14_sepconv2_act+gap");
    expect(backbone.inputSize).toBe(71);
    expect(backbone.dimension).toBe(2048);
  });

  it("embeds like the model on scaled input", async () => {
    const reference = createXception({ inputSize: 71 });
    await loadXceptionWeights(reference, weightsPath);
    const fileConv4 = written.find((layer) => layer.layerName === "conv2d_4")!.weights[0]!.values;
    expect(reference.getLayer("conv2d_3").getWeights()[0]!.dataSync()).toEqual(fileConv4);
    const input = images();

    const embedding = backbone.embed(input);
    const expected = tf.tidy(() => reference.predict(input.div(127.5).sub(1)) as tf.Tensor2D);

    expect(embedding.shape).toEqual([2, 2048]);
    const values = embedding.dataSync();
    expect(values.every(Number.isFinite)).toBe(true);
    expect(values.some((value) => value !== 0)).toBe(true);
    expect(tf.max(tf.abs(tf.sub(embedding, expected))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([input, embedding, expected]);
    reference.dispose();
  });

  it("is deterministic and batch-independent", () => {
    const input = images();
    const first = backbone.embed(input);
    const second = backbone.embed(input);
    const single = tf.tidy(() => backbone.embed(input.slice([1, 0, 0, 0], [1, 71, 71, 3])));

    expect(second.dataSync()).toEqual(first.dataSync());
    const batchRow = tf.tidy(() => first.slice([1, 0], [1, 2048]));
    expect(tf.max(tf.abs(tf.sub(batchRow, single))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([input, first, second, single, batchRow]);
  });

  it("keeps the tensor count flat", () => {
    const input = images();
    backbone.embed(input).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) backbone.embed(input).dispose();
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
  });

  it("rejects a wrong input shape", () => {
    const wrong = tf.zeros([1, 64, 64, 3]) as tf.Tensor4D;
    expect(() => backbone.embed(wrong)).toThrow(/expected shape \[n, 71, 71, 3\], got \[1,64,64,3\]/);
    wrong.dispose();
  });

  it("fails on a file with a missing layer", async () => {
    const partial = path.join(tempDir, "partial.h5");
    const template = createXception({ inputSize: 71 });
    const layers = seededKerasLayers(template, 3).filter((layer) => layer.layerName !== "block14_sepconv2_bn");
    await writeKerasH5Weights(partial, layers);
    template.dispose();

    await expect(loadXceptionBackbone({ weightsPath: partial, inputSize: 71 })).rejects.toThrow(
      /model layer "block14_sepconv2_bn" has weights but is missing from the file/,
    );
  });

  it("loads and warms up at 299x299", async () => {
    // The one full-size forward pass of this file: the warm-up on zeros inside loadXceptionBackbone.
    const fullSize = await loadXceptionBackbone({ weightsPath, inputSize: 299 });
    expect(fullSize.id).toBe("xception-seeded-weights-299@block14_sepconv2_act+gap");
    fullSize.dispose();
    const zeros = tf.zeros([1, 299, 299, 3]) as tf.Tensor4D;
    expect(() => fullSize.embed(zeros)).toThrow(/was disposed/);
    zeros.dispose();
  });
});
