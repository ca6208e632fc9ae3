import fs from "node:fs";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

import {
  FUSION_FORMAT_VERSION,
  FusionModel,
  type FeatureNormalisation,
  type FusionArchitecture,
  type LabelVocabularies,
} from "./fusion-model";

/**
 * Saves and loads a trained FusionModel as <dir>/fusion-model.json (format
 * version, ids, architecture, label vocabularies, normalisation, weight
 * manifest) plus <dir>/fusion-weights.bin. Weights are stored as IEEE
 * float16 to keep the committed files small: the rounding (relative error
 * below 0.05%) is applied before evaluation, because evaluation loads the
 * saved files.
 */

export const MODEL_FILE = "fusion-model.json";
export const WEIGHTS_FILE = "fusion-weights.bin";

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: "float16";
  byteOffset: number;
}

interface StoredModel {
  formatVersion: number;
  modelId: string;
  backboneId: string;
  architecture: FusionArchitecture;
  vocabularies: LabelVocabularies;
  normalisation: FeatureNormalisation;
  weightsFile: string;
  weights: WeightEntry[];
}

export function saveFusionModel(model: FusionModel, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const entries: WeightEntry[] = [];
  const parts: Uint16Array[] = [];
  let byteOffset = 0;
  for (const [name, weight] of model.weights) {
    const halves = toFloat16(weight.dataSync() as Float32Array);
    entries.push({ name, shape: weight.shape, dtype: "float16", byteOffset });
    parts.push(halves);
    byteOffset += halves.byteLength;
  }
  const stored: StoredModel = {
    formatVersion: FUSION_FORMAT_VERSION,
    modelId: model.modelId,
    backboneId: model.backboneId,
    architecture: model.architecture,
    vocabularies: model.vocabularies,
    normalisation: roundNormalisation(model.normalisation),
    weightsFile: WEIGHTS_FILE,
    weights: entries,
  };
  fs.writeFileSync(path.join(dir, WEIGHTS_FILE), Buffer.concat(parts.map((part) => Buffer.from(part.buffer))));
  fs.writeFileSync(path.join(dir, MODEL_FILE), `${JSON.stringify(stored)}\n`);
}

/** Loads a model saved by saveFusionModel; rejects another format version or a truncated weight file. */
export function loadFusionModel(dir: string): FusionModel {
  const modelPath = path.join(dir, MODEL_FILE);
  if (!fs.existsSync(modelPath)) {
    throw new Error(`Fusion model not found: ${modelPath} does not exist. Run "npm run train" to create it.`);
  }
  const stored = JSON.parse(fs.readFileSync(modelPath, "utf8")) as StoredModel;
  if (stored.formatVersion !== FUSION_FORMAT_VERSION) {
    throw new Error(`Unsupported fusion model format ${stored.formatVersion} in ${modelPath}: expected ${FUSION_FORMAT_VERSION}`);
  }
  const bytes = fs.readFileSync(path.join(dir, stored.weightsFile));
  const weights = new Map<string, tf.Variable>();
  for (const entry of stored.weights) {
    const size = entry.shape.reduce((product, dimension) => product * dimension, 1);
    if (entry.byteOffset + size * 2 > bytes.byteLength) {
      throw new Error(`Truncated weight file ${stored.weightsFile}: "${entry.name}" ends past ${bytes.byteLength} bytes`);
    }
    const halves = new Uint16Array(bytes.buffer.slice(bytes.byteOffset + entry.byteOffset, bytes.byteOffset + entry.byteOffset + size * 2));
    const values = tf.tensor(fromFloat16(halves), entry.shape, "float32");
    weights.set(entry.name, tf.variable(values, false));
    values.dispose();
  }
  return new FusionModel(stored.modelId, stored.backboneId, stored.architecture, stored.vocabularies, stored.normalisation, weights);
}

function roundNormalisation(n: FeatureNormalisation): FeatureNormalisation {
  const round = (values: number[]): number[] => values.map((value) => Number(value.toPrecision(7)));
  return {
    embeddingMean: round(n.embeddingMean),
    embeddingStd: round(n.embeddingStd),
    colourMean: round(n.colourMean),
    colourStd: round(n.colourStd),
  };
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** Converts float32 values to IEEE 754 half-precision bits, rounding to nearest even. */
export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    scratch[0] = values[i]!;
    const bits = scratchBits[0]!;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = (bits >>> 23) & 0xff;
    let mantissa = bits & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (halfExponent <= 0) {
      if (halfExponent < -10) {
        out[i] = sign;
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - halfExponent;
      let half = mantissa >> shift;
      const remainder = mantissa & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder === halfway && (half & 1))) half++;
      out[i] = sign | half;
    } else {
      let half = (halfExponent << 10) | (mantissa >> 13);
      const remainder = mantissa & 0x1fff;
      if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1))) half++;
      out[i] = sign | half;
    }
  }
  return out;
}

/** Converts IEEE 754 half-precision bits to float32 values. */
export function fromFloat16(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const half = halves[i]!;
    const sign = half & 0x8000 ? -1 : 1;
    const exponent = (half >> 10) & 0x1f;
    const mantissa = half & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) out[i] = mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}
