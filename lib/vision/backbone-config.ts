import path from "node:path";

import type { LayersModelBackboneConfig } from "./backbones/layers-model";
import {
  resolveXceptionWeightsPath,
  XCEPTION_DEFAULT_INPUT_SIZE,
  XCEPTION_MIN_INPUT_SIZE,
  xceptionBackboneId,
} from "./backbones/xception-weights";
import { backboneDir, backboneLayer, DEFAULT_EMBEDDING_LAYER, type Env } from "./config";

/**
 * Backbone selection from configuration. A BackboneConfig is plain data, so it
 * can be sent to worker threads, and it carries the backbone id before any
 * weights are loaded: feature caches and model checks key on that id. This
 * module loads no TensorFlow.js, so the web server may import it.
 */

export const BACKBONE_ENV = "STYLELENS_BACKBONE";
export const BACKBONE_INPUT_RANGE_ENV = "STYLELENS_BACKBONE_INPUT_RANGE";
export const XCEPTION_INPUT_SIZE_ENV = "STYLELENS_XCEPTION_INPUT_SIZE";

/**
 * Backbone kinds: the shipped MobileNet v1 layers model, the Keras Xception
 * with HDF5 weights, and any other TensorFlow.js layers model in a folder.
 */
export const BACKBONE_KINDS = ["mobilenet-v1", "xception", "layers-model"] as const;
export type BackboneKind = (typeof BACKBONE_KINDS)[number];
export const DEFAULT_BACKBONE_KIND: BackboneKind = "mobilenet-v1";

export type LayersModelBackboneSelection = LayersModelBackboneConfig & {
  kind: "mobilenet-v1" | "layers-model";
  id: string;
};

export interface XceptionBackboneSelection {
  kind: "xception";
  id: string;
  /** Keras HDF5 weight file, checked to exist. */
  weightsPath: string;
  /** Square input side in pixels. */
  inputSize: number;
}

export type BackboneConfig = LayersModelBackboneSelection | XceptionBackboneSelection;

/**
 * Reads the backbone choice and its weight paths from the environment:
 * STYLELENS_BACKBONE picks the kind (default mobilenet-v1), and each kind reads
 * its own settings. Throws a message naming the setting to fix.
 */
export function backboneConfigFromEnv(env: Env = process.env): BackboneConfig {
  const kind = parseBackboneKind(env[BACKBONE_ENV]);
  switch (kind) {
    case "mobilenet-v1":
      return mobilenetV1Config(backboneDir(env), backboneLayer(env));
    case "xception":
      return xceptionSelection(env);
    case "layers-model":
      return layersModelSelection(env);
  }
}

/** Returns the shipped configuration: ImageNet MobileNet v1 1.0/224 pooled at `embeddingLayer` (1024-d at conv_dw_13_relu). */
export function mobilenetV1Config(modelDir: string, embeddingLayer = DEFAULT_EMBEDDING_LAYER): LayersModelBackboneSelection {
  return { kind: "mobilenet-v1", modelDir, embeddingLayer, inputRange: [-1, 1], id: `mobilenet-v1-imagenet@${embeddingLayer}+gap` };
}

/** Returns the kind named by a STYLELENS_BACKBONE value; unset or blank means mobilenet-v1. */
export function parseBackboneKind(raw: string | undefined): BackboneKind {
  const value = raw?.trim() || DEFAULT_BACKBONE_KIND;
  if (!(BACKBONE_KINDS as readonly string[]).includes(value)) {
    throw new Error(`Invalid ${BACKBONE_ENV} "${value}": use ${BACKBONE_KINDS.join(", ")}`);
  }
  return value as BackboneKind;
}

/** Describes the configuration for logs: kind, id and the weight path. */
export function describeBackbone(config: BackboneConfig): Record<string, string | number> {
  return config.kind === "xception"
    ? { kind: config.kind, id: config.id, weightsPath: config.weightsPath, inputSize: config.inputSize }
    : { kind: config.kind, id: config.id, modelDir: config.modelDir, embeddingLayer: config.embeddingLayer };
}

function xceptionSelection(env: Env): XceptionBackboneSelection {
  const weightsPath = resolveXceptionWeightsPath({ env });
  const inputSize = parseXceptionInputSize(env[XCEPTION_INPUT_SIZE_ENV]);
  return { kind: "xception", id: xceptionBackboneId(weightsPath, inputSize), weightsPath, inputSize };
}

function parseXceptionInputSize(raw: string | undefined): number {
  const value = raw?.trim();
  if (!value) return XCEPTION_DEFAULT_INPUT_SIZE;
  const inputSize = Number(value);
  if (!Number.isInteger(inputSize) || inputSize < XCEPTION_MIN_INPUT_SIZE) {
    throw new Error(
      `Invalid ${XCEPTION_INPUT_SIZE_ENV} "${value}": use a whole number of pixels of at least ${XCEPTION_MIN_INPUT_SIZE} (Keras trained Xception at ${XCEPTION_DEFAULT_INPUT_SIZE})`,
    );
  }
  return inputSize;
}

/**
 * Any layers-format model: the folder and the embedding layer must be set
 * explicitly, because the MobileNet defaults would be wrong for another model.
 */
function layersModelSelection(env: Env): LayersModelBackboneSelection {
  for (const name of ["STYLELENS_BACKBONE_DIR", "STYLELENS_BACKBONE_LAYER"]) {
    if (!env[name]?.trim()) {
      throw new Error(
        `Missing ${name}: ${BACKBONE_ENV}=layers-model needs STYLELENS_BACKBONE_DIR (a folder with model.json) and STYLELENS_BACKBONE_LAYER (the layer to pool)`,
      );
    }
  }
  const modelDir = backboneDir(env);
  const embeddingLayer = backboneLayer(env);
  return {
    kind: "layers-model",
    modelDir,
    embeddingLayer,
    inputRange: parseInputRange(env[BACKBONE_INPUT_RANGE_ENV]),
    id: `${path.basename(modelDir)}@${embeddingLayer}+gap`,
  };
}

/** Parses "low,high", the range the model expects RGB scaled to; default "-1,1" as MobileNet and Xception. */
function parseInputRange(raw: string | undefined): readonly [number, number] {
  const value = raw?.trim();
  if (!value) return [-1, 1];
  const parts = value.split(",").map((part) => Number(part.trim()));
  const [low, high] = parts;
  if (parts.length !== 2 || low === undefined || high === undefined || !Number.isFinite(low) || !Number.isFinite(high) || low >= high) {
    throw new Error(`Invalid ${BACKBONE_INPUT_RANGE_ENV} "${value}": use two numbers "low,high" with low < high, for example "-1,1" or "0,1"`);
  }
  return [low, high];
}

/**
 * Throws when trained heads do not belong to the configured backbone, naming
 * both ids and the settings that choose them.
 */
export function assertModelBackbone(model: { modelId: string; backboneId: string }, config: BackboneConfig): void {
  if (model.backboneId === config.id) return;
  throw new Error(
    `Model ${model.modelId} was trained on backbone ${model.backboneId}, but the configured backbone is ${config.id} ` +
      `(${BACKBONE_ENV}=${config.kind}). Set ${BACKBONE_ENV} and its weight settings to the training backbone, ` +
      `or choose a model trained on ${config.id} (npm run train writes one).`,
  );
}
