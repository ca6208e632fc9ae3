import { logger } from "../logger";
import { configuredModelId, DEFAULT_MODEL_ID } from "../vision/training-config";

/** Port of the vision worker's query server. STYLELENS_WORKER_PORT, else 3101. */
export function workerPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STYLELENS_WORKER_PORT?.trim() || "3101";
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`Invalid STYLELENS_WORKER_PORT "${raw}": use a whole number from 1 to 65535`);
  }
  return value;
}

/** Base URL of the query server; it listens on loopback only. */
export function workerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${workerPort(env)}`;
}

let reportedModelError = false;

/**
 * Returns the model whose predictions and embeddings the shop reads, as the
 * vision worker chooses it. A backbone setting the worker cannot use falls
 * back to the shipped model and logs once; the worker itself then fails to start.
 */
export function servedModelId(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return configuredModelId(env);
  } catch (error) {
    if (!reportedModelError) {
      reportedModelError = true;
      logger.error({ err: error, fallback: DEFAULT_MODEL_ID }, "Invalid vision model settings, so the shop reads the shipped model's tags");
    }
    return DEFAULT_MODEL_ID;
  }
}
