/**
 * `npm run worker`: the vision worker. Tags every catalogue image in the
 * background (category, attributes, embedding), keeps the HNSW index of
 * product embeddings, and serves photo search and similar items on
 * 127.0.0.1:STYLELENS_WORKER_PORT (default 3101). Stops cleanly on SIGINT
 * and SIGTERM.
 */
import path from "node:path";

import { imageStoreDir } from "../lib/config";
import { closeDatabase, getDatabase } from "../lib/db/client";
import { logger } from "../lib/logger";
import { workerPort } from "../lib/photo-search/config";
import { startVisionWorker } from "../lib/tagging/vision-worker";
import { backboneConfigFromEnv } from "../lib/vision/backbone-config";
import { modelsDir } from "../lib/vision/config";
import { configuredModelId } from "../lib/vision/training-config";

const log = logger.child({ process: "vision-worker" });

const worker = await startWorker().catch((error: unknown) => {
  log.fatal({ err: error }, `Vision worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/** Starts the worker with the backbone and model chosen by STYLELENS_BACKBONE and STYLELENS_MODEL_ID. */
async function startWorker() {
  const backbone = backboneConfigFromEnv();
  const modelId = configuredModelId();
  return startVisionWorker({
    database: getDatabase(),
    modelDir: path.join(modelsDir(), modelId),
    backbone,
    imageStoreDir: imageStoreDir(),
    port: workerPort(),
    logger: log,
  });
}

let stopping: Promise<void> | null = null;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  log.info({ signal }, "Vision worker stopping");
  stopping = worker
    .stop()
    .then(() => closeDatabase())
    .then(
      () => log.info("Vision worker stopped"),
      (error: unknown) => {
        log.error({ err: error }, "Vision worker shutdown failed");
        process.exitCode = 1;
      },
    );
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
