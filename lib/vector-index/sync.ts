/**
 * Keeps a vector index in line with the catalogue. After a sync, the index's
 * live labels are exactly the products that `storedProductVectors` yields.
 * A product that is deleted, unpublished, loses its last embedding (a
 * replaced photo) or disappears with its shop is marked deleted. A product
 * that becomes indexable again is added back from its stored embedding.
 *
 * NOTE: a sync compares labels, not vectors. A live label whose main photo
 * changed to another embedded photo keeps its old vector until the tagging
 * loop or a rebuild replaces it.
 */
import type { Logger } from "pino";

import type { Db } from "../db/client";
import { countProductVectors, indexedProductIds, storedProductVectors } from "./stored-vectors";
import type { VectorIndex } from "./vector-index";

/** Maximum number of product ids that one log line or error message lists. */
export const LOGGED_PRODUCT_IDS = 10;

export interface IndexChanges {
  /** Live labels whose products the index should no longer hold, in ascending order. */
  stale: number[];
  /** Indexed products without a live label, in ascending order. */
  missing: number[];
}

export interface IndexSyncResult {
  /** Labels marked deleted. */
  marked: number[];
  /** Labels added from stored embeddings. */
  added: number[];
  /** True when deleted elements reached the threshold, so the index was rebuilt and saved. */
  rebuilt: boolean;
}

export interface SyncVectorIndexOptions {
  /** Header path that a rebuilt index is saved to. */
  headerPath: string;
  logger: Logger;
}

/** Compares the live labels of `index` with the products that belong in it. */
export async function findIndexChanges(db: Db, index: VectorIndex): Promise<IndexChanges> {
  const indexed = await indexedProductIds(db, index.modelId);
  const indexedSet = new Set(indexed);
  return {
    stale: index.labels().filter((label) => !indexedSet.has(label)),
    missing: indexed.filter((productId) => !index.has(productId)),
  };
}

/**
 * Applies `findIndexChanges` to `index` and logs one line when a label was
 * marked or added. Then, when deleted elements have reached the index's
 * threshold, rebuilds the index and saves it to `headerPath`. Marks and adds
 * without a rebuild are not saved, so the caller saves them.
 */
export async function syncVectorIndex(db: Db, index: VectorIndex, options: SyncVectorIndexOptions): Promise<IndexSyncResult> {
  const changes = await findIndexChanges(db, index);
  const marked = await markStale(index, changes.stale);
  const added = await addMissing(db, index, changes.missing);
  if (marked.length > 0 || added.length > 0) {
    options.logger.info(
      {
        marked: marked.length,
        markedIds: marked.slice(0, LOGGED_PRODUCT_IDS),
        added: added.length,
        addedIds: added.slice(0, LOGGED_PRODUCT_IDS),
        products: index.size,
        deleted: index.deletedCount,
      },
      "Updated vector index from the catalogue",
    );
  }

  const rebuilt = index.needsRebuild;
  if (rebuilt) await rebuildVectorIndex(db, index, options);
  return { marked, added, rebuilt };
}

/**
 * Rebuilds `index` from the stored embeddings, which drops its deleted
 * elements, saves it to `headerPath` and logs the counts. Searches keep using
 * the old graph while the new one is built (see VectorIndex.rebuild).
 */
export async function rebuildVectorIndex(db: Db, index: VectorIndex, options: SyncVectorIndexOptions): Promise<void> {
  const before = { products: index.size, deleted: index.deletedCount };
  const started = performance.now();
  try {
    const capacity = await countProductVectors(db, index.modelId);
    await index.rebuild(storedProductVectors(db, index.modelId, index.dimension), { capacity });
  } catch (error) {
    throw new Error(
      `Rebuilding the vector index of model "${index.modelId}" from the stored embeddings failed, so the old index with ${before.deleted} deleted elements stays in use`,
      { cause: error },
    );
  }
  const saved = await index.save(options.headerPath);
  options.logger.info(
    {
      reason: "deleted-fraction",
      productsBefore: before.products,
      deletedBefore: before.deleted,
      products: index.size,
      indexBytes: saved.indexBytes,
      ms: Math.round(performance.now() - started),
    },
    "Rebuilt and saved vector index: deleted elements reached the rebuild threshold",
  );
}

/** Marks `labels` deleted and returns those that were live. */
async function markStale(index: VectorIndex, labels: readonly number[]): Promise<number[]> {
  const marked: number[] = [];
  try {
    for (const label of labels) {
      if (await index.markDeleted(label)) marked.push(label);
    }
  } catch (error) {
    throw new Error(`Marking ${labels.length} products deleted in the vector index failed (products ${listIds(labels)})`, { cause: error });
  }
  return marked;
}

/** Adds the stored vectors of `productIds` and returns the labels added. A product that left the catalogue meanwhile is skipped. */
async function addMissing(db: Db, index: VectorIndex, productIds: readonly number[]): Promise<number[]> {
  if (productIds.length === 0) return [];
  const added: number[] = [];
  try {
    for await (const { label, vector } of storedProductVectors(db, index.modelId, index.dimension, productIds)) {
      await index.add(label, vector);
      added.push(label);
    }
  } catch (error) {
    throw new Error(`Adding ${productIds.length} products to the vector index failed (products ${listIds(productIds)})`, { cause: error });
  }
  return added;
}

function listIds(ids: readonly number[]): string {
  const listed = ids.slice(0, LOGGED_PRODUCT_IDS).join(", ");
  return ids.length > LOGGED_PRODUCT_IDS ? `${listed} and ${ids.length - LOGGED_PRODUCT_IDS} more` : listed;
}
