import path from "node:path";

import type { Logger } from "pino";

import { dataDir } from "../config";
import type { Db } from "../db/client";
import { logger as defaultLogger } from "../logger";
import type { IndexMismatch } from "./persistence";
import { countProductVectors, storedProductVectors } from "./stored-vectors";
import { loadVectorIndex, rebuildFromEmbeddings, type VectorIndex, type VectorIndexOptions } from "./vector-index";

/** Header path of the index for `modelId`: <dataDir>/vector-index/<modelId>.json. */
export function vectorIndexPath(modelId: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), "vector-index", `${modelId.replace(/[^A-Za-z0-9._-]+/g, "_")}.json`);
}

export interface OpenVectorIndexOptions
  extends Pick<VectorIndexOptions, "modelId" | "dimension" | "efSearch" | "filteredEfSearch" | "maxDeletedFraction"> {
  /** Default `vectorIndexPath(modelId)`. */
  headerPath?: string;
  logger?: Logger;
}

/**
 * Loads the saved index for `modelId` if it matches the database (same model,
 * dimension and product count), or else rebuilds it from the stored
 * embeddings, saves it and logs why. `rebuiltBecause` is null when the saved
 * index was used.
 */
export async function openVectorIndex(
  db: Db,
  options: OpenVectorIndexOptions,
): Promise<{ index: VectorIndex; rebuiltBecause: IndexMismatch | null }> {
  const { modelId, dimension } = options;
  const headerPath = options.headerPath ?? vectorIndexPath(modelId);
  const log = (options.logger ?? defaultLogger).child({ component: "vector-index", modelId, headerPath });
  const settings = {
    efSearch: options.efSearch,
    filteredEfSearch: options.filteredEfSearch,
    maxDeletedFraction: options.maxDeletedFraction,
  };

  const count = await countProductVectors(db, modelId);
  const loadStarted = performance.now();
  const loaded = await loadVectorIndex(headerPath, { modelId, dimension, count }, settings);
  if (loaded.ok) {
    log.info(
      { products: loaded.index.size, deleted: loaded.index.deletedCount, ms: Math.round(performance.now() - loadStarted) },
      "Loaded vector index",
    );
    return { index: loaded.index, rebuiltBecause: null };
  }

  log.warn({ reason: loaded.mismatch.kind, products: count }, `Rebuilding vector index: ${loaded.mismatch.message}`);
  const buildStarted = performance.now();
  const index = await rebuildFromEmbeddings(storedProductVectors(db, modelId, dimension), {
    modelId,
    dimension,
    capacity: count,
    ...settings,
  });
  const saved = await index.save(headerPath);
  log.info(
    { products: index.size, indexBytes: saved.indexBytes, ms: Math.round(performance.now() - buildStarted) },
    "Rebuilt and saved vector index",
  );
  return { index, rebuiltBecause: loaded.mismatch };
}
