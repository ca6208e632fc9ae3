import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { addFlopCounts, countMatrixProductFlops, countModelFlops, layerMacs } from "./model-flops";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/**
 * Builds a small model on an 8x8x3 input. Its layers: a 3x3 convolution with
 * 4 filters and same padding, batch normalisation and ReLU. Then a 3x3
 * depthwise convolution with stride 2, valid padding and depth multiplier 2,
 * global average pooling, and a dense layer of 5 units.
 */
function tinyModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: "same", name: "conv" }));
  model.add(tf.layers.batchNormalization({ name: "bn" }));
  model.add(tf.layers.reLU({ name: "relu" }));
  model.add(tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: "valid", name: "dw" }));
  model.add(tf.layers.globalAveragePooling2d({ name: "gap" }));
  model.add(tf.layers.dense({ units: 5, name: "dense" }));
  return model;
}

// Hand-computed multiply-accumulates per image:
const CONV_MACS = 8 * 8 * 4 * (3 * 3 * 3); // 8x8 outputs, 4 filters, 3x3 taps over 3 channels = 6,912
const DEPTHWISE_MACS = 3 * 3 * 8 * (3 * 3); // floor((8 - 3) / 2) + 1 = 3, so 3x3 outputs, 4 x 2 channels, 3x3 taps = 648
const DENSE_MACS = 8 * 5; // 8 pooled channels to 5 units = 40

describe("countModelFlops", () => {
  it("counts each layer of a tiny model", () => {
    const model = tinyModel();
    expect(layerMacs(model.getLayer("conv"))).toBe(CONV_MACS);
    expect(layerMacs(model.getLayer("dw"))).toBe(DEPTHWISE_MACS);
    expect(layerMacs(model.getLayer("dense"))).toBe(DENSE_MACS);
    expect(layerMacs(model.getLayer("bn"))).toBeNull();
  });

  it("sums two FLOPs per MAC", () => {
    const count = countModelFlops(tinyModel());
    expect(count.macs).toBe(CONV_MACS + DEPTHWISE_MACS + DENSE_MACS);
    expect(count.flops).toBe(2 * (6_912 + 648 + 40));
    expect(count.layers.map((layer) => layer.name)).toEqual(["conv", "dw", "dense"]);
  });

  it("lists the skipped layer classes", () => {
    expect(countModelFlops(tinyModel()).uncountedClasses).toEqual(["BatchNormalization", "GlobalAveragePooling2D", "ReLU"]);
  });

  it("stops at a cut layer", () => {
    const model = tinyModel();
    const cut = tf.model({ inputs: model.inputs, outputs: model.getLayer("dw").output as tf.SymbolicTensor });
    expect(countModelFlops(cut).macs).toBe(CONV_MACS + DEPTHWISE_MACS);
  });

  it("counts a dense layer on a sequence per position", () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [6, 3], units: 2, name: "per-step" }));
    expect(countModelFlops(model).macs).toBe(6 * 3 * 2);
  });

  it("rejects a layer it cannot count", () => {
    const model = tf.sequential();
    model.add(tf.layers.separableConv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: "separable" }));
    expect(() => countModelFlops(model)).toThrow(/SeparableConv2D/);
  });
});

describe("countMatrixProductFlops", () => {
  it("counts rank-2 weights and skips biases", () => {
    const count = countMatrixProductFlops([
      ["hidden/kernel", [6, 3]],
      ["hidden/bias", [3]],
      ["output/kernel", [3, 2]],
    ]);
    expect(count.macs).toBe(6 * 3 + 3 * 2);
    expect(count.flops).toBe(48);
    expect(count.layers.map((layer) => layer.name)).toEqual(["hidden/kernel", "output/kernel"]);
  });
});

describe("addFlopCounts", () => {
  it("adds layers and skipped classes", () => {
    const total = addFlopCounts(countModelFlops(tinyModel()), countMatrixProductFlops([["head", [4, 2]]]));
    expect(total.macs).toBe(CONV_MACS + DEPTHWISE_MACS + DENSE_MACS + 8);
    expect(total.uncountedClasses).toContain("ReLU");
  });
});
