import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { assertModelBackbone, backboneConfigFromEnv, parseBackboneKind } from "./backbone-config";
import { configuredModelId, defaultModelId, DEFAULT_MODEL_ID, SHIPPED_BACKBONE_ID } from "./training-config";

let tempDir: string;
let layersDir: string;
let officialWeights: string;

beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-backbone-config-"));
  layersDir = path.join(tempDir, "resnet-tfjs");
  fs.mkdirSync(layersDir);
  fs.writeFileSync(path.join(layersDir, "model.json"), "{}");
  // The configuration checks only that the file exists; loading is tested in load-backbone.test.ts.
  officialWeights = path.join(tempDir, "xception_weights_tf_dim_ordering_tf_kernels_notop.h5");
  fs.writeFileSync(officialWeights, "");
});

afterAll(() => {
  fs.rmSync(tempDir, { recursive: true, force: true });
});

describe("parseBackboneKind", () => {
  it("defaults to mobilenet-v1", () => {
    expect(parseBackboneKind(undefined)).toBe("mobilenet-v1");
    expect(parseBackboneKind("  ")).toBe("mobilenet-v1");
  });

  it("rejects an unknown kind", () => {
    expect(() => parseBackboneKind("resnet50")).toThrow(
      'Invalid STYLELENS_BACKBONE "resnet50": use mobilenet-v1, xception, layers-model',
    );
  });
});

describe("backboneConfigFromEnv", () => {
  it("selects the shipped MobileNet by default", () => {
    const config = backboneConfigFromEnv({ STYLELENS_BACKBONE_DIR: layersDir });
    expect(config).toEqual({
      kind: "mobilenet-v1",
      modelDir: layersDir,
      embeddingLayer: "conv_dw_13_relu",
      inputRange: [-1, 1],
      id: SHIPPED_BACKBONE_ID,
    });
  });

  it("names the folder setting when model.json is missing", () => {
    const missing = path.join(tempDir, "absent");
    expect(() => backboneConfigFromEnv({ STYLELENS_BACKBONE: "mobilenet-v1", STYLELENS_BACKBONE_DIR: missing })).toThrow(
      /absent\/model\.json does not exist\. Set STYLELENS_BACKBONE_DIR .*mobilenet_v1_1\.0_224/,
    );
  });

  it("selects Xception with the weight file", () => {
    const config = backboneConfigFromEnv({ STYLELENS_BACKBONE: "xception", STYLELENS_XCEPTION_WEIGHTS: officialWeights });
    expect(config).toEqual({
      kind: "xception",
      id: "xception-imagenet-299@block14_sepconv2_act+gap",
      weightsPath: officialWeights,
      inputSize: 299,
    });
  });

  it("reads the Xception input size", () => {
    const config = backboneConfigFromEnv({
      STYLELENS_BACKBONE: "xception",
      STYLELENS_XCEPTION_WEIGHTS: officialWeights,
      STYLELENS_XCEPTION_INPUT_SIZE: "224",
    });
    expect(config).toMatchObject({ inputSize: 224, id: "xception-imagenet-224@block14_sepconv2_act+gap" });
  });

  it("rejects an invalid Xception input size", () => {
    for (const size of ["70", "299.5", "big"]) {
      expect(() =>
        backboneConfigFromEnv({
          STYLELENS_BACKBONE: "xception",
          STYLELENS_XCEPTION_WEIGHTS: officialWeights,
          STYLELENS_XCEPTION_INPUT_SIZE: size,
        }),
      ).toThrow(`Invalid STYLELENS_XCEPTION_INPUT_SIZE "${size}": use a whole number of pixels of at least 71`);
    }
  });

  it("names the weights setting and source when unset", () => {
    expect(() => backboneConfigFromEnv({ STYLELENS_BACKBONE: "xception" })).toThrow(
      /set STYLELENS_XCEPTION_WEIGHTS to the path of xception_weights_tf_dim_ordering_tf_kernels_notop\.h5/,
    );
  });

  it("names a missing weight file", () => {
    const missing = path.join(tempDir, "nowhere.h5");
    expect(() => backboneConfigFromEnv({ STYLELENS_BACKBONE: "xception", STYLELENS_XCEPTION_WEIGHTS: missing })).toThrow(
      `Xception weights not found: ${missing} does not exist. Set STYLELENS_XCEPTION_WEIGHTS`,
    );
  });

  it("selects another layers model", () => {
    const config = backboneConfigFromEnv({
      STYLELENS_BACKBONE: "layers-model",
      STYLELENS_BACKBONE_DIR: layersDir,
      STYLELENS_BACKBONE_LAYER: "pool5",
      STYLELENS_BACKBONE_INPUT_RANGE: "0, 1",
    });
    expect(config).toEqual({
      kind: "layers-model",
      modelDir: layersDir,
      embeddingLayer: "pool5",
      inputRange: [0, 1],
      id: "resnet-tfjs@pool5+gap",
    });
  });

  it("requires the folder and layer for a layers model", () => {
    expect(() => backboneConfigFromEnv({ STYLELENS_BACKBONE: "layers-model", STYLELENS_BACKBONE_DIR: layersDir })).toThrow(
      /^Missing STYLELENS_BACKBONE_LAYER: STYLELENS_BACKBONE=layers-model needs/,
    );
    expect(() => backboneConfigFromEnv({ STYLELENS_BACKBONE: "layers-model", STYLELENS_BACKBONE_LAYER: "pool5" })).toThrow(
      /^Missing STYLELENS_BACKBONE_DIR:/,
    );
  });

  it("rejects an invalid input range", () => {
    for (const range of ["1,-1", "0", "a,b", "0,1,2"]) {
      expect(() =>
        backboneConfigFromEnv({
          STYLELENS_BACKBONE: "layers-model",
          STYLELENS_BACKBONE_DIR: layersDir,
          STYLELENS_BACKBONE_LAYER: "pool5",
          STYLELENS_BACKBONE_INPUT_RANGE: range,
        }),
      ).toThrow(`Invalid STYLELENS_BACKBONE_INPUT_RANGE "${range}"`);
    }
  });
});

describe("model ids", () => {
  it("keeps the shipped id for the shipped backbone", () => {
    expect(defaultModelId({ id: SHIPPED_BACKBONE_ID })).toBe(DEFAULT_MODEL_ID);
  });

  it("derives an id from another backbone", () => {
    expect(defaultModelId({ id: "xception-imagenet-299@block14_sepconv2_act+gap" })).toBe(
      "fusion-xception-imagenet-299-block14_sepconv2_act-gap",
    );
  });

  it("prefers STYLELENS_MODEL_ID", () => {
    expect(configuredModelId({ STYLELENS_MODEL_ID: "fusion-test", STYLELENS_BACKBONE: "xception" })).toBe("fusion-test");
  });

  it("follows the configured backbone", () => {
    const env = { STYLELENS_BACKBONE: "xception", STYLELENS_XCEPTION_WEIGHTS: officialWeights };
    expect(configuredModelId(env)).toBe("fusion-xception-imagenet-299-block14_sepconv2_act-gap");
  });
});

describe("assertModelBackbone", () => {
  const xception = { kind: "xception", id: "xception-imagenet-299@block14_sepconv2_act+gap", weightsPath: "/w.h5", inputSize: 299 } as const;

  it("accepts heads of the same backbone", () => {
    expect(() => assertModelBackbone({ modelId: "m", backboneId: xception.id }, xception)).not.toThrow();
  });

  it("names both backbones on a mismatch", () => {
    expect(() => assertModelBackbone({ modelId: DEFAULT_MODEL_ID, backboneId: SHIPPED_BACKBONE_ID }, xception)).toThrow(
      `Model fusion-mobilenet-v1 was trained on backbone ${SHIPPED_BACKBONE_ID}, but the configured backbone is ${xception.id} (STYLELENS_BACKBONE=xception)`,
    );
  });
});
