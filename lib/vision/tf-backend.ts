import * as tf from "@tensorflow/tfjs";

import { logger } from "../logger";

export type BackendName = "tfjs-node-gpu" | "tfjs-node" | "wasm" | "cpu";

let selected: Promise<BackendName> | null = null;

/**
 * Selects the fastest TensorFlow.js backend available, once per thread:
 * tfjs-node-gpu when installed and using a GPU, then tfjs-node, then wasm.
 * Logs the choice. `preferred` forces one backend (tests use "cpu").
 *
 * NOTE: the wasm backend runs single-threaded in Node (tfjs 4.22), so use one
 * worker thread per core for throughput.
 */
export function selectBackend(preferred?: BackendName): Promise<BackendName> {
  selected ??= chooseBackend(preferred);
  return selected;
}

async function chooseBackend(preferred?: BackendName): Promise<BackendName> {
  if (preferred === "cpu") return activate("cpu", "cpu");
  if (preferred === "wasm") return activateWasm();

  if (await importOptional("@tensorflow/tfjs-node-gpu")) {
    await tf.setBackend("tensorflow");
    await tf.ready();
    const usesGpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
    if (usesGpu) return logChoice("tfjs-node-gpu");
    logger.info("tfjs-node-gpu is installed but sees no GPU");
    return logChoice("tfjs-node");
  }
  if (await importOptional("@tensorflow/tfjs-node")) {
    await tf.setBackend("tensorflow");
    await tf.ready();
    return logChoice("tfjs-node");
  }
  return activateWasm();
}

async function activateWasm(): Promise<BackendName> {
  await import("@tensorflow/tfjs-backend-wasm");
  return activate("wasm", "wasm");
}

async function activate(tfName: string, name: BackendName): Promise<BackendName> {
  if (!(await tf.setBackend(tfName))) throw new Error(`TensorFlow.js backend "${tfName}" failed to initialise`);
  await tf.ready();
  return logChoice(name);
}

function logChoice(name: BackendName): BackendName {
  logger.info({ backend: name }, "TensorFlow.js backend selected");
  return name;
}

/** Imports an optional package; returns false when it is not installed or fails to load. */
async function importOptional(name: string): Promise<boolean> {
  try {
    await import(/* webpackIgnore: true */ name);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") {
      logger.warn({ err: error, package: name }, "optional TensorFlow.js backend failed to load");
    }
    return false;
  }
}
