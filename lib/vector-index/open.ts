import path from "node:path";

import type { Logger } from "pino";

import { dataDir } from "../config";
import type { Db } from "../db/client";
import { logger as defaultLogger } from "../logger";
import type { IndexMismatch } from "./persistence";
import { countProductVectors, storedProductVectors } from "./stored-vectors";
import { syncVectorIndex } from "./sync";
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
 * Loads the saved index for `modelId` if it matches the database (same model
 * and dimension, intact files), or else rebuilds it from the stored
 * embeddings, saves it and logs why. A loaded index is then brought in line
 * with the catalogue by syncVectorIndex: products deleted or unpublished
 * while no worker ran are marked deleted, and products that became indexable
 * are added. It is saved when that changed it, so the saved header's live
 * count matches the database's. `rebuiltBecause` is null when the saved index
 * was used, even if syncVectorIndex rebuilt it because too many elements were
 * deleted.
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

  const loadStarted = performance.now();
  const loaded = await loadVectorIndex(headerPath, { modelId, dimension }, settings);
  if (loaded.ok) {
    const { index } = loaded;
    log.info({ products: index.size, deleted: index.deletedCount, ms: Math.round(performance.now() - loadStarted) }, "Loaded vector index");
    const synced = await syncVectorIndex(db, index, { headerPath, logger: log });
    if (!synced.rebuilt && synced.marked.length + synced.added.length > 0) await index.save(headerPath);
    return { index, rebuiltBecause: null };
  }

  const count = await countProductVectors(db, modelId);
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
