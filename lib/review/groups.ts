/**
 * The tag groups a merchant reviews. "category" is the Product column
 * (articleType). A verified category is also stored as a ProductAttribute of
 * the attribute group "category", created on first use, because the schema
 * has no other place to mark a column as merchant-verified. The other groups
 * are the catalogue's attribute groups.
 */
import { ATTRIBUTE_GROUPS, MULTI_ATTRIBUTE_GROUPS, SINGLE_ATTRIBUTE_GROUPS, type AttributeGroupKey } from "../catalogue/types";

export const CATEGORY_GROUP = "category";

export type ReviewGroupKey = typeof CATEGORY_GROUP | AttributeGroupKey;

/** Groups in review order: the category, the single-valued columns, then the multi-label groups. */
export const REVIEW_GROUPS: readonly ReviewGroupKey[] = [CATEGORY_GROUP, ...SINGLE_ATTRIBUTE_GROUPS, ...MULTI_ATTRIBUTE_GROUPS];

/** Groups whose value is also a Product column, one value per product. */
export const COLUMN_GROUPS = [CATEGORY_GROUP, ...SINGLE_ATTRIBUTE_GROUPS] as const;
export type ColumnGroup = (typeof COLUMN_GROUPS)[number];

export function isColumnGroup(key: string): key is ColumnGroup {
  return (COLUMN_GROUPS as readonly string[]).includes(key);
}

export function isReviewGroup(key: string): key is ReviewGroupKey {
  return (REVIEW_GROUPS as readonly string[]).includes(key);
}

/** AttributeGroup.position of the "category" group: after the catalogue's own groups. */
export const CATEGORY_GROUP_POSITION = ATTRIBUTE_GROUPS.length;

/** How many predicted categories the review shows. */
export const CATEGORY_TOP_K = 3;
