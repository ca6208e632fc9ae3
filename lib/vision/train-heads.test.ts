import { beforeAll, describe, expect, it } from "vitest";

import { FusionModel, type LabelVocabularies } from "./fusion-model";
import type { EncodedLabels } from "./labels";
import { selectBackend } from "./tf-backend";
import { DEFAULT_HEAD_TRAINING, categoryClassWeights, trainFusionHeads, type LabelledFeatures } from "./train-heads";

beforeAll(async () => {
  await selectBackend("cpu");
});

const vocabularies: LabelVocabularies = {
  category: ["A", "B"],
  attributes: [{ group: "texture", value: "striped" }],
  colour: ["Red", "Blue"],
  gender: ["Men"],
  season: ["Summer"],
  usage: ["Casual"],
};

/** Class c has embedding dimension c set to 3 (plus noise); colour follows the first colour feature. */
function syntheticSet(count: number, seed: number): LabelledFeatures {
  let state = seed;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const embeddings = new Float32Array(count * 4);
  const colourFeatures = new Float32Array(count * 2);
  const category = new Int32Array(count);
  const colour = new Int32Array(count);
  const attributes: number[][] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    category[i] = label;
    colour[i] = i % 3 === 0 ? 1 : 0;
    for (let j = 0; j < 4; j++) embeddings[i * 4 + j] = (j === label ? 3 : 0) + noise();
    colourFeatures[i * 2] = colour[i] === 1 ? 0.9 : 0.1;
    colourFeatures[i * 2 + 1] = 0.5;
    attributes.push(label === 0 ? [0] : []);
  }
  const labels: EncodedLabels = {
    category,
    single: { colour, gender: new Int32Array(count), season: new Int32Array(count), usage: new Int32Array(count).fill(-1) },
    attributes,
  };
  return { count, embeddingDimension: 4, colourDimension: 2, embeddings, colourFeatures, labels };
}

/** Returns a freshly initialised fusion model for the toy problem. */
function toyModel(): FusionModel {
  return FusionModel.initialise(
    "toy",
    "toy-backbone",
    { embeddingDimension: 4, colourDimension: 2, categoryHiddenUnits: 8, attributeHiddenUnits: 8, useColourFeatures: true },
    vocabularies,
    { embeddingMean: [0, 0, 0, 0], embeddingStd: [1, 1, 1, 1], colourMean: [0.5, 0.7], colourStd: [0.3, 0.1] },
    1,
  );
}

describe("trainFusionHeads", () => {
  it("learns a separable toy problem", async () => {
    const train = syntheticSet(120, 1);
    const validation = syntheticSet(40, 2);
    const model = toyModel();
    const epochs: number[] = [];
    const result = await trainFusionHeads(
      model,
      train,
      validation,
      { ...DEFAULT_HEAD_TRAINING, maxEpochs: 15, batchSize: 32, learningRate: 0.01, patience: 15 },
      (log) => epochs.push(log.epoch),
    );
    expect(epochs).toHaveLength(15);
    expect(result.history).toHaveLength(15);
    expect(result.validation.category.top1).toBe(1);
    expect(result.validation.colour.top1).toBeGreaterThan(0.9);
    expect(result.validation.attributes.all.recallTop3).toBe(1);
    // The restored weights are those of the best epoch, whose validation top-1 the final scores repeat.
    expect(result.validation.category.top1).toBe(result.history[result.bestEpoch - 1]!.validationCategoryTop1);
    model.dispose();
  });
});

describe("trainFusionHeads with dropout", () => {
  /** Trains a fresh toy model for a few epochs and returns its weights. */
  async function trainOnce(): Promise<Map<string, Float32Array>> {
    const model = toyModel();
    await trainFusionHeads(model, syntheticSet(64, 3), syntheticSet(16, 4), {
      ...DEFAULT_HEAD_TRAINING,
      maxEpochs: 3,
      batchSize: 16,
      dropout: 0.5,
      inputDropout: 0.2,
    });
    const weights = new Map([...model.weights].map(([name, weight]) => [name, weight.dataSync() as Float32Array]));
    model.dispose();
    return weights;
  }

  it("repeats a run exactly", async () => {
    const first = await trainOnce();
    const second = await trainOnce();
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [name, values] of first) {
      expect(Array.from(second.get(name)!), name).toEqual(Array.from(values));
    }
  });
});

describe("categoryClassWeights", () => {
  it("weights rare classes up, mean 1", () => {
    // Sizes 1, 4 and 4: median 4, raw weights 2, 1, 1 (power 0.5), mean over samples (2 + 4 + 4) / 9.
    const weights = categoryClassWeights(Int32Array.from([0, 1, 1, 1, 1, 2, 2, 2, 2, -1]), 4, 0.5);
    const scale = 9 / 10;
    expect(weights[0]).toBeCloseTo(2 * scale, 6);
    expect(weights[1]).toBeCloseTo(scale, 6);
    expect(weights[2]).toBeCloseTo(scale, 6);
    expect(weights[3]).toBe(0);
  });

  it("is uniform at power 0", () => {
    expect(Array.from(categoryClassWeights(Int32Array.from([0, 1, 1]), 2, 0))).toEqual([1, 1]);
  });
});
