/** Test fixtures: published products with one photo and a stored embedding of it, as the tagging loop leaves them. */
import type { Db } from "../../db/client";
import { encodeVector } from "../vectors";

export interface EmbeddedProduct {
  merchantId: number;
  sku: string;
  modelId: string;
  vector: Float32Array;
}

/** Creates the product, its photo at position 0 (status "tagged") and the photo's embedding, and returns the product id. */
export async function createEmbeddedProduct(db: Db, product: EmbeddedProduct): Promise<number> {
  const { id } = await db.product.create({ data: { merchantId: product.merchantId, sku: product.sku, title: `Product ${product.sku}` } });
  const image = await db.productImage.create({
    data: {
      productId: id,
      contentHash: `hash-${product.sku}`,
      byteSize: 1,
      width: 1,
      height: 1,
      format: "jpeg",
      storageKey: `images/${product.sku}.jpg`,
      thumbnailKey: `thumbs/${product.sku}.jpg`,
      status: "tagged",
    },
  });
  await db.embedding.create({
    data: { imageId: image.id, modelId: product.modelId, dimension: product.vector.length, vector: encodeVector(product.vector) },
  });
  return id;
}
