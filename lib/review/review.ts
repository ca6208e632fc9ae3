/**
 * Reads what the tag review shows for a merchant's product. The predicted
 * category top-3 comes from the model's Prediction of the main image. Each tag
 * group lists the values in effect, the model's values with their scores, the
 * values mined from the title, and whether the merchant has verified it.
 * Predictions stay empty until the vision worker has tagged the image.
 */
import { merchantScope, type Actor } from "../auth/tenancy";
import { mediaUrl } from "../catalogue/image-store";
import type { Db } from "../db/client";
import { MODEL_SCORE_THRESHOLD } from "../search/facet-index-loader";
import { CATEGORY_GROUP, CATEGORY_TOP_K, isColumnGroup, REVIEW_GROUPS, type ColumnGroup, type ReviewGroupKey } from "./groups";

export interface ScoredValue {
  value: string;
  /** The model's probability from 0 to 1. */
  score: number;
}

export interface ReviewGroup {
  key: ReviewGroupKey;
  /** True for the category and the single-valued columns, which hold exactly one value. */
  single: boolean;
  /** The values that search facets use now. */
  current: string[];
  /** True when the merchant has accepted or corrected this group. */
  verified: boolean;
  /** The model's values, highest score first; for the category, the top-3 of the prediction. */
  predictions: ScoredValue[];
  /** Values mined from the title (multi-label groups only). */
  fromTitle: string[];
}

export interface TagReview {
  product: {
    id: number;
    sku: string;
    title: string;
    brand: string | null;
    status: string;
    imageUrl: string | null;
    thumbnailUrl: string | null;
    /** ProductImage.status of the main image: "pending" until the vision worker has tagged it. */
    imageStatus: string | null;
  };
  /** The model that made the category prediction, if any. */
  modelId: string | null;
  groups: ReviewGroup[];
}

type ReviewDb = Pick<Db, "product" | "prediction">;

const COLUMN_SELECT = { category: true, colour: true, gender: true, season: true, usage: true } as const;

/** Returns the review, or undefined when the product does not exist, is deleted or belongs to another shop. */
export async function getTagReview(db: ReviewDb, actor: Actor, productId: number): Promise<TagReview | undefined> {
  const product = await db.product.findFirst({
    where: { id: productId, ...merchantScope(actor), status: { not: "deleted" } },
    select: {
      id: true,
      sku: true,
      title: true,
      brand: true,
      status: true,
      ...COLUMN_SELECT,
      images: { where: { position: 0 }, select: { id: true, storageKey: true, thumbnailKey: true, status: true } },
      attributes: {
        select: {
          source: true,
          score: true,
          verified: true,
          attribute: { select: { value: true, group: { select: { key: true } } } },
        },
      },
    },
  });
  if (!product) return undefined;

  const image = product.images[0] ?? null;
  const prediction = image
    ? await db.prediction.findFirst({
        where: { imageId: image.id },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { modelId: true, categoryTopK: true },
      })
    : null;

  const rows = product.attributes.map((row) => ({
    group: row.attribute.group.key,
    value: row.attribute.value,
    source: row.source,
    score: row.score,
    verified: row.verified,
  }));

  const groups = REVIEW_GROUPS.map((key): ReviewGroup => {
    const groupRows = rows.filter((row) => row.group === key);
    const verifiedRows = groupRows.filter((row) => row.verified);
    const modelRows = groupRows
      .filter((row) => row.source === "model" && row.score !== null)
      .map((row) => ({ value: row.value, score: row.score as number }))
      .sort((a, b) => b.score - a.score);
    const fromTitle = groupRows.filter((row) => row.source === "title").map((row) => row.value);

    if (isColumnGroup(key)) {
      const column = product[key as ColumnGroup];
      return {
        key,
        single: true,
        current: column ? [column] : [],
        verified: verifiedRows.length > 0,
        predictions: key === CATEGORY_GROUP ? parseCategoryTopK(prediction?.categoryTopK) : modelRows,
        fromTitle: [],
      };
    }

    // The same rule as the search facets: verified values win; otherwise
    // merchant and title values count, and model values from the threshold up.
    const current =
      verifiedRows.length > 0
        ? verifiedRows.map((row) => row.value)
        : groupRows
            .filter((row) => row.source !== "model" || (row.score ?? 0) >= MODEL_SCORE_THRESHOLD)
            .map((row) => row.value);
    return { key, single: false, current: [...new Set(current)].sort(), verified: verifiedRows.length > 0, predictions: modelRows, fromTitle };
  });

  return {
    product: {
      id: product.id,
      sku: product.sku,
      title: product.title,
      brand: product.brand,
      status: product.status,
      imageUrl: image ? mediaUrl(image.storageKey) : null,
      thumbnailUrl: image ? mediaUrl(image.thumbnailKey) : null,
      imageStatus: image?.status ?? null,
    },
    modelId: prediction?.modelId ?? null,
    groups,
  };
}

/**
 * Reads Prediction.categoryTopK (JSON [{ category, score }]) and returns the
 * CATEGORY_TOP_K best entries. Malformed text or entries give an empty or
 * shorter list, never an error, so one bad row cannot break the page.
 */
export function parseCategoryTopK(json: string | null | undefined): ScoredValue[] {
  if (!json) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .flatMap((item: unknown) => {
      const entry = item as { category?: unknown; score?: unknown } | null;
      return typeof entry?.category === "string" && typeof entry.score === "number" && Number.isFinite(entry.score)
        ? [{ value: entry.category, score: entry.score }]
        : [];
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, CATEGORY_TOP_K);
}

export interface ReviewListItem {
  id: number;
  sku: string;
  title: string;
  category: string | null;
  colour: string | null;
  thumbnailUrl: string | null;
  imageStatus: string | null;
  /** Tag groups the merchant has verified. */
  verifiedGroups: number;
}

export const REVIEW_PAGE_SIZE = 24;

/** Lists the actor's products for review, ascending id after `afterId`, deleted ones excluded. */
export async function listReviewProducts(
  db: Pick<Db, "product">,
  actor: Actor,
  options: { afterId?: number; limit?: number } = {},
): Promise<ReviewListItem[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? REVIEW_PAGE_SIZE), 1), 100);
  const products = await db.product.findMany({
    where: {
      ...merchantScope(actor),
      status: { not: "deleted" },
      ...(options.afterId !== undefined ? { id: { gt: options.afterId } } : {}),
    },
    orderBy: { id: "asc" },
    take: limit,
    select: {
      id: true,
      sku: true,
      title: true,
      category: true,
      colour: true,
      images: { where: { position: 0 }, select: { thumbnailKey: true, status: true } },
      attributes: { where: { verified: true }, select: { attribute: { select: { groupId: true } } } },
    },
  });

  return products.map((product) => {
    const image = product.images[0] ?? null;
    return {
      id: product.id,
      sku: product.sku,
      title: product.title,
      category: product.category,
      colour: product.colour,
      thumbnailUrl: image ? mediaUrl(image.thumbnailKey) : null,
      imageStatus: image?.status ?? null,
      verifiedGroups: new Set(product.attributes.map((row) => row.attribute.groupId)).size,
    };
  });
}
