/**
 * Creates the rows an import needs before its first product: the merchant
 * and the attribute groups. Existing rows are left as they are.
 */
import type { Db } from "../db/client";
import {
  ATTRIBUTE_GROUPS,
  DATASET_MERCHANT_SLUG,
  MULTI_ATTRIBUTE_GROUPS,
  type AttributeGroupKey,
} from "./types";
import { CatalogueImportError } from "./errors";

export const DATASET_MERCHANT_NAME = "StyleLens Demo";

type SetupClient = Pick<Db, "merchant" | "attributeGroup">;

/**
 * Returns the id of the merchant with `slug`. The dataset merchant is created
 * when missing; any other slug must name an existing merchant, so a typo
 * never creates a stray merchant.
 */
export async function ensureMerchant(db: SetupClient, slug: string): Promise<number> {
  if (slug === DATASET_MERCHANT_SLUG) {
    const merchant = await db.merchant.upsert({
      where: { slug },
      create: { slug, name: DATASET_MERCHANT_NAME },
      update: {},
      select: { id: true },
    });
    return merchant.id;
  }

  const merchant = await db.merchant.findUnique({ where: { slug }, select: { id: true } });
  if (!merchant) {
    throw new CatalogueImportError(`Merchant "${slug}" not found: create it first or import into "${DATASET_MERCHANT_SLUG}"`);
  }
  return merchant.id;
}

/**
 * Creates the attribute groups that are missing: colour, gender, season and
 * usage as "single", texture, fabric, shape, part and style as "multi", with
 * positions in that order. Returns group key -> id.
 */
export async function ensureAttributeGroups(db: SetupClient): Promise<Map<AttributeGroupKey, number>> {
  const multi = new Set<string>(MULTI_ATTRIBUTE_GROUPS);
  const ids = new Map<AttributeGroupKey, number>();
  for (const [position, key] of ATTRIBUTE_GROUPS.entries()) {
    const group = await db.attributeGroup.upsert({
      where: { key },
      create: { key, kind: multi.has(key) ? "multi" : "single", position },
      update: {},
      select: { id: true },
    });
    ids.set(key, group.id);
  }
  return ids;
}
