/**
 * String enumerations stored in the database (the schema keeps them as text
 * so it works on SQLite and PostgreSQL). Check values with the `is*` guards
 * before writing.
 */

export const USER_ROLES = ["shopper", "merchant", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PRODUCT_STATUSES = ["published", "draft", "deleted"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const IMAGE_STATUSES = ["pending", "processing", "tagged", "failed"] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const ATTRIBUTE_SOURCES = ["merchant", "title", "model"] as const;
export type AttributeSource = (typeof ATTRIBUTE_SOURCES)[number];

export const IMPORT_OUTCOMES = ["imported", "updated", "unchanged", "skipped"] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

export const BATCH_STATUSES = ["queued", "running", "done", "failed"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Multi-label attribute groups, named as in the DeepFashion attribute list (type 1 to 5). */
export const MULTI_ATTRIBUTE_GROUPS = ["texture", "fabric", "shape", "part", "style"] as const;
export type MultiAttributeGroup = (typeof MULTI_ATTRIBUTE_GROUPS)[number];

/** Single-valued attributes that are also Product columns. */
export const SINGLE_ATTRIBUTE_GROUPS = ["colour", "gender", "season", "usage"] as const;
export type SingleAttributeGroup = (typeof SINGLE_ATTRIBUTE_GROUPS)[number];

export const ATTRIBUTE_GROUPS = [...SINGLE_ATTRIBUTE_GROUPS, ...MULTI_ATTRIBUTE_GROUPS] as const;
export type AttributeGroupKey = (typeof ATTRIBUTE_GROUPS)[number];

/** Slug of the merchant that owns products imported from a dataset folder. */
export const DATASET_MERCHANT_SLUG = "stylelens-demo";

function isOneOf<T extends string>(values: readonly T[]) {
  return (value: unknown): value is T => typeof value === "string" && (values as readonly string[]).includes(value);
}

export const isUserRole = isOneOf(USER_ROLES);
export const isProductStatus = isOneOf(PRODUCT_STATUSES);
export const isImageStatus = isOneOf(IMAGE_STATUSES);
export const isAttributeSource = isOneOf(ATTRIBUTE_SOURCES);
export const isAttributeGroupKey = isOneOf(ATTRIBUTE_GROUPS);
export const isMultiAttributeGroup = isOneOf(MULTI_ATTRIBUTE_GROUPS);
