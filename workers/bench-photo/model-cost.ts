/**
 * FLOPs per tagged image and the machine's estimated fp32 peak, for the
 * efficiency figures of workers/bench-photo.ts.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

import * as tf from "@tensorflow/tfjs";

import { estimateFp32PeakGflops, readCpuFacts, type CpuFacts } from "../../lib/benchmarks/cpu-peak";
import { addFlopCounts, countMatrixProductFlops, countModelFlops, type FlopCount } from "../../lib/benchmarks/model-flops";
import { fileSystemModelHandler } from "../../lib/vision/backbones/layers-model";
import { loadFusionModel } from "../../lib/vision/fusion-store";

export interface ModelCost {
  backbone: FlopCount;
  heads: FlopCount;
  total: FlopCount;
}

export interface PeakEstimate {
  cpu: CpuFacts;
  fmaUnitsPerCore: number;
  /** At the widest SIMD width the flags advertise. */
  peakGflops: number;
  /** At 128-bit SIMD, the width of WebAssembly SIMD that the tfjs wasm backend uses. */
  peak128Gflops: number;
}

/**
 * Counts the FLOPs of one tagged image: the backbone from its input to
 * `embeddingLayer`, plus the fusion heads. The worker uses the predicted
 * category as the prior, so every rank-2 weight of the fusion model is one
 * matrix product per image. These are the category head's two layers, the
 * prior times the category embedding E, the attribute trunk and the five
 * heads on it.
 */
export async function countTaggingFlops(backboneModelDir: string, embeddingLayer: string, fusionModelDir: string): Promise<ModelCost> {
  const full = await tf.loadLayersModel(fileSystemModelHandler(backboneModelDir));
  let backbone: FlopCount;
  try {
    const cut = tf.model({ inputs: full.inputs, outputs: full.getLayer(embeddingLayer).output as tf.SymbolicTensor });
    backbone = countModelFlops(cut);
  } finally {
    full.dispose();
  }

  const fusion = loadFusionModel(fusionModelDir);
  let heads: FlopCount;
  try {
    heads = countMatrixProductFlops([...fusion.weights].map(([name, weight]): [string, number[]] => [name, weight.shape]));
  } finally {
    fusion.dispose();
  }
  return { backbone, heads, total: addFlopCounts(backbone, heads) };
}

/** Estimates the fp32 peak from `lscpu` and /proc/cpuinfo; throws when lscpu is missing. */
export function estimatePeak(fmaUnitsPerCore: number): PeakEstimate {
  let lscpu: string;
  try {
    lscpu = execFileSync("lscpu", { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  } catch (error) {
    throw new Error(`lscpu failed (${(error as Error).message}): install util-linux or run with --part search`, { cause: error });
  }
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const cpu = readCpuFacts(lscpu, cpuinfo);
  return {
    cpu,
    fmaUnitsPerCore,
    peakGflops: estimateFp32PeakGflops(cpu, { fmaUnitsPerCore }),
    peak128Gflops: estimateFp32PeakGflops(cpu, { fmaUnitsPerCore, simdBits: 128 }),
  };
}
