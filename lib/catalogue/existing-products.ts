/**
 * Reads what the database holds for a chunk of SKUs, in the shape the import
 * compares rows against.
 */
import type { Db } from "../db/client";
import type { ExistingProduct } from "./import-plan";
import { isMultiAttributeGroup } from "./types";

/** Returns SKU -> product for the SKUs of `merchantId` that exist. */
export async function loadExistingProducts(
  db: Pick<Db, "product">,
  merchantId: number,
  skus: readonly string[],
): Promise<Map<string, ExistingProduct>> {
  if (skus.length === 0) return new Map();

  const products = await db.product.findMany({
    where: { merchantId, sku: { in: [...skus] } },
    select: {
      id: true,
      sku: true,
      status: true,
      title: true,
      brand: true,
      gender: true,
      masterCategory: true,
      subCategory: true,
      category: true,
      colour: true,
      season: true,
      usage: true,
      year: true,
      images: {
        where: { position: 0 },
        select: { id: true, contentHash: true, storageKey: true, thumbnailKey: true },
      },
      attributes: {
        where: { source: "title" },
        select: { attribute: { select: { value: true, group: { select: { key: true } } } } },
      },
    },
  });

  return new Map(
    products.map((product) => [
      product.sku,
      {
        id: product.id,
        status: product.status,
        fields: {
          title: product.title,
          brand: product.brand,
          gender: product.gender,
          masterCategory: product.masterCategory,
          subCategory: product.subCategory,
          category: product.category,
          colour: product.colour,
          season: product.season,
          usage: product.usage,
          year: product.year,
        },
        image: product.images[0] ?? null,
        titleAttributes: product.attributes.flatMap(({ attribute }) => {
          const group = attribute.group.key;
          return isMultiAttributeGroup(group) ? [{ group, value: attribute.value }] : [];
        }),
      },
    ]),
  );
}
