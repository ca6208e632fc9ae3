import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { FusionModel, fuseCategoryPrior, type LabelVocabularies } from "./fusion-model";
import { fromFloat16, loadFusionModel, saveFusionModel, toFloat16 } from "./fusion-store";
import { selectBackend } from "./tf-backend";

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("fuseCategoryPrior", () => {
  it("matches a hand-computed one-hot example", () => {
    // Row 1 of E is [0, ln 2, ln 5]: softmax = [1/8, 2/8, 5/8], times D = 3 gives [3/8, 6/8, 15/8].
    const features = tf.tensor2d([[1, 2, 3]]);
    const prior = tf.tensor2d([[0, 1]]);
    const embedding = tf.tensor2d([
      [0, 0, 0],
      [0, Math.log(2), Math.log(5)],
    ]);
    const fused = fuseCategoryPrior(features, prior, embedding).arraySync()[0]!;
    expect(fused[0]).toBeCloseTo(3 / 8, 5);
    expect(fused[1]).toBeCloseTo(12 / 8, 5);
    expect(fused[2]).toBeCloseTo(45 / 8, 5);
  });

  it("leaves features unchanged for a zero embedding row", () => {
    const fused = fuseCategoryPrior(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 0]]), tf.zeros([2, 3]) as tf.Tensor2D);
    expect(Array.from(fused.dataSync())).toEqual([1, 2, 3]);
  });

  it("mixes rows by a predicted distribution", () => {
    // prior [0.5, 0.5] gives c·E = [0, ln 2 / 2, ln 4 / 2] = [0, ln √2, ln 2]: softmax = [1, √2, 2] / (3 + √2).
    const embedding = tf.tensor2d([
      [0, 0, 0],
      [0, Math.log(2), Math.log(4)],
    ]);
    const fused = fuseCategoryPrior(tf.tensor2d([[1, 1, 1]]), tf.tensor2d([[0.5, 0.5]]), embedding).arraySync()[0]!;
    const total = 3 + Math.SQRT2;
    expect(fused[0]).toBeCloseTo((3 * 1) / total, 6);
    expect(fused[1]).toBeCloseTo((3 * Math.SQRT2) / total, 6);
    expect(fused[2]).toBeCloseTo((3 * 2) / total, 6);
  });

  it("rejects mismatched shapes", () => {
    expect(() => fuseCategoryPrior(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 2]) as tf.Tensor2D, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(
      /Invalid fusion shapes/,
    );
  });
});

const vocabularies: LabelVocabularies = {
  category: ["Shirts", "Tshirts", "Watches"],
  attributes: [
    { group: "texture", value: "striped" },
    { group: "shape", value: "slim fit" },
  ],
  colour: ["Black", "Blue"],
  gender: ["Men", "Women"],
  season: ["Summer", "Winter"],
  usage: ["Casual", "Formal"],
};

function tinyModel(): FusionModel {
  return FusionModel.initialise(
    "test-model",
    "fake-backbone",
    { embeddingDimension: 4, colourDimension: 3, categoryHiddenUnits: 5, attributeHiddenUnits: 6, useColourFeatures: true },
    vocabularies,
    { embeddingMean: [0, 0, 0, 0], embeddingStd: [1, 1, 1, 1], colourMean: [0, 0, 0], colourStd: [1, 1, 1] },
    3,
  );
}

describe("FusionModel", () => {
  const embeddings = tf.tensor2d([
    [0.1, 2, 0.3, 1],
    [1, 0, 0.5, 0.2],
  ]);
  const colourFeatures = tf.tensor2d([
    [0.5, 0.5, 0],
    [0, 0.2, 0.8],
  ]);

  it("outputs probabilities of the vocabulary sizes", () => {
    const model = tinyModel();
    const outputs = model.predict(embeddings, colourFeatures, { kind: "predicted" });
    expect(outputs.category.shape).toEqual([2, 3]);
    expect(outputs.attributes.shape).toEqual([2, 2]);
    expect(outputs.colour.shape).toEqual([2, 2]);
    for (const row of outputs.category.arraySync()) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose(Object.values(outputs));
    model.dispose();
  });

  it("uses the merchant category where given", async () => {
    const model = tinyModel();
    model.weights.get("fusion/category_embedding")!.assign(tf.randomNormal([3, 4], 0, 2, "float32", 5));
    const predicted = model.predict(embeddings, colourFeatures, { kind: "predicted" });
    const merchant = model.predict(embeddings, colourFeatures, { kind: "merchant", categoryIndices: [2, -1] });
    const colourPredicted = (await predicted.colour.array()) as number[][];
    const colourMerchant = (await merchant.colour.array()) as number[][];
    // Row 1 has no merchant category, so it falls back to the prediction.
    expect(colourMerchant[1]![0]).toBeCloseTo(colourPredicted[1]![0]!, 6);
    expect(Math.abs(colourMerchant[0]![0]! - colourPredicted[0]![0]!)).toBeGreaterThan(1e-6);
    tf.dispose([...Object.values(predicted), ...Object.values(merchant)]);
    model.dispose();
  });

  it("rejects a merchant category outside the vocabulary", () => {
    const model = tinyModel();
    expect(() => model.predict(embeddings, colourFeatures, { kind: "merchant", categoryIndices: [3, 0] })).toThrow(/outside -1..2/);
    model.dispose();
  });

  it("keeps the tensor count flat", () => {
    const model = tinyModel();
    const dispose = (outputs: ReturnType<FusionModel["predict"]>) => tf.dispose(Object.values(outputs));
    dispose(model.predict(embeddings, colourFeatures, { kind: "predicted" }));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) dispose(model.predict(embeddings, colourFeatures, { kind: "merchant", categoryIndices: [0, 1] }));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe("fusion model files", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-fusion-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("round-trips through float16", async () => {
    const model = tinyModel();
    model.weights.get("fusion/category_embedding")!.assign(tf.randomNormal([3, 4], 0, 1, "float32", 9));
    saveFusionModel(model, dir);
    const loaded = loadFusionModel(dir);
    expect(loaded.vocabularies).toEqual(vocabularies);
    expect(loaded.parameterCount()).toBe(model.parameterCount());

    const embeddings = tf.tensor2d([[0.3, 1, 2, 0]]);
    const colourFeatures = tf.tensor2d([[0.2, 0.3, 0.5]]);
    const a = model.predict(embeddings, colourFeatures, { kind: "predicted" });
    const b = loaded.predict(embeddings, colourFeatures, { kind: "predicted" });
    const difference = tf.max(tf.abs(tf.sub(a.category, b.category))).dataSync()[0]!;
    expect(difference).toBeLessThan(2e-3);
    model.dispose();
    loaded.dispose();
  });

  it("rejects a truncated weight file", () => {
    const model = tinyModel();
    saveFusionModel(model, dir);
    fs.truncateSync(path.join(dir, "fusion-weights.bin"), 10);
    expect(() => loadFusionModel(dir)).toThrow(/Truncated weight file/);
    model.dispose();
  });

  it("names the train command when missing", () => {
    expect(() => loadFusionModel(path.join(dir, "absent"))).toThrow(/npm run train/);
  });
});

describe("float16 conversion", () => {
  it("round-trips exact and rounded values", () => {
    const values = new Float32Array([0, 1, -2, 0.5, 65504, 1e-7, 3.14159, -0.000061035156]);
    const back = fromFloat16(toFloat16(values));
    expect(back[0]).toBe(0);
    expect(back[1]).toBe(1);
    expect(back[2]).toBe(-2);
    expect(back[3]).toBe(0.5);
    expect(back[4]).toBe(65504);
    // 1e-7 is subnormal in float16, where the step is 2^-24: it rounds to 2 steps.
    expect(back[5]).toBe(2 * 2 ** -24);
    expect(back[6]).toBeCloseTo(3.14159, 2);
    expect(back[7]).toBeCloseTo(-0.000061035156, 8);
  });

  it("saturates to infinity", () => {
    expect(fromFloat16(toFloat16(new Float32Array([1e6])))[0]).toBe(Number.POSITIVE_INFINITY);
  });
});
