import type { Db } from "../db/client";
import type { LabelledVector } from "./vector-index";
import { decodeVector } from "./vectors";

/** Products read per query while streaming vectors. */
const PRODUCT_BATCH = 500;

/** Product ids read per query while listing ids only. */
const PRODUCT_ID_BATCH = 5_000;

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

/** Returns the ids of the products `storedProductVectors` yields, in ascending order. */
export async function indexedProductIds(db: Db, modelId: string): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const page = await db.product.findMany({
      where: { id: { gt: ids.at(-1) ?? 0 }, ...indexedProductsWhere(modelId) },
      orderBy: { id: "asc" },
      take: PRODUCT_ID_BATCH,
      select: { id: true },
    });
    for (const product of page) ids.push(product.id);
    if (page.length < PRODUCT_ID_BATCH) return ids;
  }
}

/**
 * Streams one vector per indexed product, in product id order: the `modelId`
 * embedding of the product's first image (lowest position) that has one.
 * That image is the product's main photo in the shop, so photo search and
 * "similar items" compare main photos. With `productIds`, only those of the
 * indexed products are streamed. Throws when a stored embedding's dimension
 * differs from `dimension`.
 */
export async function* storedProductVectors(
  db: Db,
  modelId: string,
  dimension: number,
  productIds?: readonly number[],
): AsyncGenerator<LabelledVector> {
  if (productIds) {
    const sorted = [...productIds].sort((a, b) => a - b);
    for (let start = 0; start < sorted.length; start += PRODUCT_BATCH) {
      const page = await readVectorPage(db, modelId, dimension, { id: { in: sorted.slice(start, start + PRODUCT_BATCH) } });
      yield* page.vectors;
    }
    return;
  }

  let afterId = 0;
  for (;;) {
    const page = await readVectorPage(db, modelId, dimension, { id: { gt: afterId } });
    if (page.lastProductId === null) return;
    yield* page.vectors;
    afterId = page.lastProductId;
  }
}

/** Reads the vectors of up to PRODUCT_BATCH indexed products whose id matches `idWhere`, in product id order. */
async function readVectorPage(
  db: Db,
  modelId: string,
  dimension: number,
  idWhere: { id: { gt: number } | { in: number[] } },
): Promise<{ vectors: LabelledVector[]; lastProductId: number | null }> {
  const products = await db.product.findMany({
    where: { ...idWhere, ...indexedProductsWhere(modelId) },
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

  const vectors: LabelledVector[] = [];
  for (const product of products) {
    const image = product.images[0];
    const embedding = image?.embeddings[0];
    if (!image || !embedding) continue;
    if (embedding.dimension !== dimension) {
      throw new Error(
        `Embedding of image ${image.id} for model "${modelId}" has dimension ${embedding.dimension}, expected ${dimension}`,
      );
    }
    vectors.push({ label: product.id, vector: decodeVector(embedding.vector, dimension) });
  }
  return { vectors, lastProductId: products.at(-1)?.id ?? null };
}
