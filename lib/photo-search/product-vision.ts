/**
 * What the product page shows from the vision worker's output: the stored
 * prediction for the product's main photo, and similar products.
 */
import { getDatabase, type Database } from "../db/client";
import { logger } from "../logger";
import { servedModelId } from "./config";
import { findSimilarProducts, WorkerUnavailableError } from "./client";
import { toHits, type PhotoSearchHit } from "./http";

export interface ProductPrediction {
  modelId: string;
  /** Highest-scoring categories first, with softmax probabilities. */
  categoryTopK: { category: string; score: number }[];
}

/** Returns the latest prediction for the product's main photo, or undefined before it is tagged. */
export async function getProductPrediction(productId: number, database: Database = getDatabase()): Promise<ProductPrediction | undefined> {
  const prediction = await database.prisma.prediction.findFirst({
    where: { image: { productId }, modelId: servedModelId() },
    orderBy: [{ image: { position: "asc" } }],
    select: { modelId: true, categoryTopK: true },
  });
  if (!prediction) return undefined;
  return { modelId: prediction.modelId, categoryTopK: JSON.parse(prediction.categoryTopK) as ProductPrediction["categoryTopK"] };
}

export type SimilarProducts = { status: "ok"; hits: PhotoSearchHit[] } | { status: "unavailable" } | { status: "not-tagged" };

/** Similar products for the product page; never throws, so the page renders while the worker is down. */
export async function getSimilarProducts(productId: number, k = 8, database: Database = getDatabase()): Promise<SimilarProducts> {
  try {
    const result = await findSimilarProducts(productId, k);
    if (!result) return { status: "not-tagged" };
    return { status: "ok", hits: (await toHits(database, result)).hits };
  } catch (error) {
    if (!(error instanceof WorkerUnavailableError)) {
      logger.warn({ err: error, productId }, "Similar products failed");
    }
    return { status: "unavailable" };
  }
}
