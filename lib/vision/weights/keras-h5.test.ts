import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { File as H5File, ready as h5wasmReady } from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createXception } from "../backbones/xception";
import { loadKerasH5Weights, readKerasH5Weights, type KerasLayerWeights } from "./keras-h5";
import { writeKerasH5Weights } from "./keras-h5-writer";
import { seededKerasLayers } from "./testing";

let tempDir: string;

beforeAll(async () => {
  await tf.setBackend("wasm");
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-keras-h5-"));
});

afterAll(() => {
  fs.rmSync(tempDir, { recursive: true, force: true });
});

/** Counts positions where two arrays differ, so a failure reports how many values are wrong. */
function countDifferences(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Math.max(actual.length, expected.length);
  let differences = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) differences++;
  return differences;
}

/**
 * input [2] -> Dense "dense" (3 units, bias) -> BatchNormalization "bn".
 * Small enough to check an output by hand.
 */
function createTinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [2], name: "input_1" });
  const dense = tf.layers.dense({ units: 3, name: "dense" }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ epsilon: 1e-3, name: "bn" }).apply(dense) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: bn, name: "tiny" });
}

const DENSE_KERNEL = [1, 2, 3, 4, 5, 6]; // Keras layout [in=2, out=3]
const DENSE_BIAS = [0.5, -0.5, 1];
const BN_GAMMA = [1, 2, 0.5];
const BN_BETA = [0, 1, -1];
const BN_MEAN = [1, 0, 2];
const BN_VARIANCE = [0.999, 3.999, 0.249]; // plus epsilon 1e-3: 1, 4, 0.25

/** Tiny model weights as Keras writes them, with the batch-norm weights in a non-tfjs order to test matching by name. */
function tinyLayers(overrides: { denseKernelShape?: number[]; omitBn?: boolean; extraLayer?: boolean } = {}): KerasLayerWeights[] {
  const layers: KerasLayerWeights[] = [
    { layerName: "input_1", weights: [] },
    {
      layerName: "dense",
      weights: [
        { name: "dense/kernel:0", shape: overrides.denseKernelShape ?? [2, 3], values: Float32Array.from(DENSE_KERNEL) },
        { name: "dense/bias:0", shape: [3], values: Float32Array.from(DENSE_BIAS) },
      ],
    },
  ];
  if (!overrides.omitBn) {
    layers.push({
      layerName: "bn",
      weights: [
        { name: "bn/moving_variance:0", shape: [3], values: Float32Array.from(BN_VARIANCE) },
        { name: "bn/moving_mean:0", shape: [3], values: Float32Array.from(BN_MEAN) },
        { name: "bn/beta:0", shape: [3], values: Float32Array.from(BN_BETA) },
        { name: "bn/gamma:0", shape: [3], values: Float32Array.from(BN_GAMMA) },
      ],
    });
  }
  if (overrides.extraLayer) {
    layers.push({
      layerName: "predictions",
      weights: [{ name: "predictions/bias:0", shape: [3], values: new Float32Array(3) }],
    });
  }
  return layers;
}

describe("readKerasH5Weights", () => {
  it("reads fixed-length and variable-length names", async () => {
    for (const stringType of ["fixed", "variable"] as const) {
      const file = path.join(tempDir, `tiny-${stringType}.h5`);
      await writeKerasH5Weights(file, tinyLayers(), { stringType, kerasVersion: "2.1.6" });

      const weightFile = await readKerasH5Weights(file);

      expect(weightFile.kerasVersion).toBe("2.1.6");
      expect(weightFile.backend).toBe("tensorflow");
      expect(weightFile.layers.map((layer) => layer.layerName)).toEqual(["input_1", "dense", "bn"]);
      expect(weightFile.layers[0]!.weights).toEqual([]);
      expect(weightFile.layers[1]!.weights.map((weight) => weight.name)).toEqual(["dense/kernel:0", "dense/bias:0"]);
      expect(weightFile.layers[1]!.weights[0]!.shape).toEqual([2, 3]);
      expect([...weightFile.layers[1]!.weights[0]!.values]).toEqual(DENSE_KERNEL);
    }
  });

  it("joins chunked layer_names and finds /model_weights", async () => {
    await h5wasmReady;
    const file = path.join(tempDir, "whole-model.h5");
    const h5 = new H5File(file, "w");
    const weightsGroup = h5.create_group("model_weights");
    // Keras splits attributes over 64 KiB into numbered chunks; the names here are space-padded like Fortran strings.
    weightsGroup.create_attribute("layer_names0", ["input_1 ", "dense"], null, "S8");
    weightsGroup.create_attribute("layer_names1", ["extra"], null, "A5");
    for (const layerName of ["input_1", "extra"]) {
      weightsGroup.create_group(layerName).create_attribute("weight_names", new Float64Array(0));
    }
    const dense = weightsGroup.create_group("dense");
    dense.create_attribute("weight_names", ["dense/bias:0"], null, "A12");
    dense.create_group("dense").create_dataset({ name: "bias:0", data: new Float64Array([1, 2, 3]), dtype: "<d" });
    h5.close();

    const weightFile = await readKerasH5Weights(file);

    expect(weightFile.layers.map((layer) => layer.layerName)).toEqual(["input_1", "dense", "extra"]);
    expect(weightFile.layers[1]!.weights[0]!.values).toEqual(Float32Array.from([1, 2, 3]));
  });

  it("rejects a missing file and a non-Keras file", async () => {
    await expect(readKerasH5Weights(path.join(tempDir, "absent.h5"))).rejects.toThrow(/not found: .*absent\.h5 does not exist/);

    await h5wasmReady;
    const file = path.join(tempDir, "plain.h5");
    const h5 = new H5File(file, "w");
    h5.create_dataset({ name: "data", data: new Float32Array([1]) });
    h5.close();
    await expect(readKerasH5Weights(file)).rejects.toThrow(/no "layer_names" attribute/);

    const notHdf5 = path.join(tempDir, "not-hdf5.h5");
    fs.writeFileSync(notHdf5, "not an HDF5 file");
    await expect(readKerasH5Weights(notHdf5)).rejects.toThrow(/not-hdf5\.h5: not an HDF5 file/);
  });
});

describe("loadKerasH5Weights", () => {
  it("sets weights so outputs match a hand computation", async () => {
    const file = path.join(tempDir, "tiny.h5");
    await writeKerasH5Weights(file, tinyLayers());
    const model = createTinyModel();

    const report = await loadKerasH5Weights(model, file);

    expect(report).toEqual({ loadedLayers: ["dense", "bn"], fileLayersNotInModel: [], modelLayersNotInFile: [] });
    // dense([1, 1]) = [1+4, 2+5, 3+6] + bias = [5.5, 6.5, 10], then per channel
    // bn(x) = gamma * (x - mean) / sqrt(variance + 1e-3) + beta:
    //   channel 0: 1 * (5.5 - 1) / 1 + 0 = 4.5
    //   channel 1: 2 * (6.5 - 0) / 2 + 1 = 7.5
    //   channel 2: 0.5 * (10 - 2) / 0.5 - 1 = 7
    const output = tf.tidy(() => (model.predict(tf.tensor2d([[1, 1]])) as tf.Tensor).arraySync() as number[][]);
    expect(output[0]![0]).toBeCloseTo(4.5, 4);
    expect(output[0]![1]).toBeCloseTo(7.5, 4);
    expect(output[0]![2]).toBeCloseTo(7, 4);
    model.dispose();
  });

  it("names layer, weight and both shapes on mismatch", async () => {
    const file = path.join(tempDir, "tiny-bad-shape.h5");
    await writeKerasH5Weights(file, tinyLayers({ denseKernelShape: [3, 2] }));
    const model = createTinyModel();
    const before = model.getLayer("bn").getWeights()[0]!.arraySync();

    const load = loadKerasH5Weights(model, file);

    await expect(load).rejects.toThrow(
      /layer "dense", weight "kernel": shape mismatch, the model expects \[2, 3\] but the file has \[3, 2\]/,
    );
    await expect(load).rejects.toThrow(/no weights were set/);
    // The valid bn layer was not set either.
    expect(model.getLayer("bn").getWeights()[0]!.arraySync()).toEqual(before);
    model.dispose();
  });

  it("reports a model layer missing from the file", async () => {
    const file = path.join(tempDir, "tiny-no-bn.h5");
    await writeKerasH5Weights(file, tinyLayers({ omitBn: true }));
    const model = createTinyModel();

    await expect(loadKerasH5Weights(model, file)).rejects.toThrow(/model layer "bn" has weights but is missing from the file/);

    const report = await loadKerasH5Weights(model, file, { strict: false });
    expect(report.loadedLayers).toEqual(["dense"]);
    expect(report.modelLayersNotInFile).toEqual(["bn"]);
    expect(model.getLayer("dense").getWeights()[1]!.dataSync()).toEqual(Float32Array.from(DENSE_BIAS));
    model.dispose();
  });

  it("reports a file layer missing from the model", async () => {
    const file = path.join(tempDir, "tiny-extra.h5");
    await writeKerasH5Weights(file, tinyLayers({ extraLayer: true }));
    const model = createTinyModel();

    await expect(loadKerasH5Weights(model, file)).rejects.toThrow(
      /file layer "predictions" has weights but the model has no layer of that name/,
    );
    const report = await loadKerasH5Weights(model, file, { ignoreFileLayers: ["predictions"] });
    expect(report.fileLayersNotInModel).toEqual([]);
    expect(report.loadedLayers).toEqual(["dense", "bn"]);
    model.dispose();
  });

  it("reports a missing and an extra weight", async () => {
    const file = path.join(tempDir, "tiny-wrong-weight.h5");
    const layers = tinyLayers();
    layers[1]!.weights[1] = { name: "dense/offset:0", shape: [3], values: Float32Array.from(DENSE_BIAS) };
    await writeKerasH5Weights(file, layers);
    const model = createTinyModel();

    const load = loadKerasH5Weights(model, file);

    await expect(load).rejects.toThrow(/layer "dense": weight "bias" is missing from the file \(the file has "dense\/kernel:0", "dense\/offset:0"\)/);
    await expect(load).rejects.toThrow(/layer "dense": the file has weight "dense\/offset:0", which the model layer does not have/);
    model.dispose();
  });

  it("matches repeated base names by position", async () => {
    const file = path.join(tempDir, "tiny-nested-names.h5");
    const layers = tinyLayers();
    layers[1]!.weights = [
      { name: "dense/first/kernel:0", shape: [2, 3], values: Float32Array.from(DENSE_KERNEL) },
      { name: "dense/second/kernel:0", shape: [3], values: Float32Array.from(DENSE_BIAS) },
    ];
    await writeKerasH5Weights(file, layers);
    const model = createTinyModel();

    await loadKerasH5Weights(model, file);

    expect(model.getLayer("dense").getWeights()[0]!.dataSync()).toEqual(Float32Array.from(DENSE_KERNEL));
    expect(model.getLayer("dense").getWeights()[1]!.dataSync()).toEqual(Float32Array.from(DENSE_BIAS));
    model.dispose();
  });

  it("renames file layers with layerNameMap", async () => {
    const file = path.join(tempDir, "tiny-renamed.h5");
    const layers = tinyLayers().map((layer) => (layer.layerName === "dense" ? { ...layer, layerName: "dense_7" } : layer));
    await writeKerasH5Weights(file, layers);
    const model = createTinyModel();

    await expect(loadKerasH5Weights(model, file)).rejects.toThrow(/file layer "dense_7"/);
    const report = await loadKerasH5Weights(model, file, { layerNameMap: new Map([["dense_7", "dense"]]) });
    expect(report.loadedLayers).toEqual(["dense", "bn"]);
    model.dispose();
  });

  it("loads every Xception layer from a Keras-layout file", async () => {
    // 71x71 is Keras's minimum input; weight shapes do not depend on the input size.
    const model = createXception({ inputSize: 71 });
    const written = seededKerasLayers(model, 20240501);
    const file = path.join(tempDir, "xception-seeded.h5");
    await writeKerasH5Weights(file, written);

    const report = await loadKerasH5Weights(model, file);

    const weightedLayers = written.filter((layer) => layer.weights.length > 0);
    expect(report.loadedLayers).toHaveLength(weightedLayers.length);
    expect(report.fileLayersNotInModel).toEqual([]);
    expect(report.modelLayersNotInFile).toEqual([]);
    for (const fileLayer of weightedLayers) {
      const layer = model.getLayer(fileLayer.layerName);
      const byName = new Map(layer.weights.map((variable, i) => [variable.originalName.split("/").pop(), i]));
      for (const weight of fileLayer.weights) {
        const index = byName.get(weight.name.replace(/^.*\//, "").replace(/:0$/, ""));
        expect(index, `${weight.name} has a model variable`).toBeDefined();
        const actual = layer.getWeights()[index!]!;
        expect(actual.shape, weight.name).toEqual(weight.shape);
        expect(countDifferences(actual.dataSync(), weight.values), `differing values in ${weight.name}`).toBe(0);
      }
    }
    model.dispose();
  });
});
