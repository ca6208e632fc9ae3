import type { Db } from "../db/client";
import type { LabelledVector } from "./vector-index";
import { decodeVector } from "./vectors";

/** Products read per query while streaming vectors. */
const PRODUCT_BATCH = 500;

/**
 * Products that belong in the index for `modelId`: published ones with at
 * least one image embedded by that model. Drafts and deleted products stay
 * out of search results, so they stay out of the index.
 */
function indexedProductsWhere(modelId: string) {
  return { status: "published", images: { some: { embeddings: { some: { modelId } } } } };
}

/** Counts the products `storedProductVectors` yields: the expected live count of a saved index. */
export function countProductVectors(db: Db, modelId: string): Promise<number> {
  return db.product.count({ where: indexedProductsWhere(modelId) });
}

/**
 * Streams one vector per indexed product, in product id order: the `modelId`
 * embedding of the product's first image (lowest position) that has one.
 * That image is the product's main photo in the shop, so photo search and
 * "similar items" compare main photos. Throws when a stored embedding's
 * dimension differs from `dimension`.
 */
export async function* storedProductVectors(db: Db, modelId: string, dimension: number): AsyncGenerator<LabelledVector> {
  let afterId = 0;
  for (;;) {
    const products = await db.product.findMany({
      where: { id: { gt: afterId }, ...indexedProductsWhere(modelId) },
      orderBy: { id: "asc" },
      take: PRODUCT_BATCH,
      select: {
        id: true,
        images: {
          where: { embeddings: { some: { modelId } } },
          orderBy: { position: "asc" },
          take: 1,
          select: { id: true, embeddings: { where: { modelId }, select: { dimension: true, vector: true } } },
        },
      },
    });
    if (products.length === 0) return;

    for (const product of products) {
      const image = product.images[0];
      const embedding = image?.embeddings[0];
      if (!image || !embedding) continue;
      if (embedding.dimension !== dimension) {
        throw new Error(
          `Embedding of image ${image.id} for model "${modelId}" has dimension ${embedding.dimension}, expected ${dimension}`,
        );
      }
      yield { label: product.id, vector: decodeVector(embedding.vector, dimension) };
    }
    afterId = products[products.length - 1]!.id;
  }
}
