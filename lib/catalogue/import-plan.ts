/**
 * Decides what the import does with one catalogue row, before any database
 * write: skip it, keep the product as it is, create it, or update it. This is
 * where the row's image is read, hashed and, when new or changed, checked
 * and stored; it runs outside the database transactions.
 */
import fs from "node:fs";
import path from "node:path";

import { extractBrand, type KnownBrands } from "./brand";
import type { CatalogueRow } from "./catalogue-csv";
import { ImageRejectedError, MAX_IMAGE_BYTES, tooLargeMessage, type ImageLimits } from "./image-processing";
import { hasStoredFile, hashImage, storeImage, type StoredImage } from "./image-store";
import { mineTitleAttributes, type AttributeVocabulary, type MinedAttribute } from "./title-attributes";

/** Product columns that an import writes, in the order changes are reported. */
export const PRODUCT_FIELDS = [
  "title",
  "brand",
  "gender",
  "masterCategory",
  "subCategory",
  "category",
  "colour",
  "season",
  "usage",
  "year",
] as const;

export type ProductFields = {
  [K in (typeof PRODUCT_FIELDS)[number]]: K extends "title" ? string : K extends "year" ? number | null : string | null;
};

/** The stored product of a SKU, reduced to the columns the import compares. */
export interface ExistingProduct {
  id: number;
  status: string;
  fields: ProductFields;
  /** The image at position 0, if any. */
  image: { id: number; contentHash: string; storageKey: string; thumbnailKey: string } | null;
  /** Attributes with source "title". */
  titleAttributes: MinedAttribute[];
}

export interface ImageChange {
  stored: StoredImage;
  /** False when only the stored files or keys changed, not the picture. */
  contentChanged: boolean;
}

interface PlanBase {
  rowNumber: number;
  sku: string | null;
  /** Problems that did not stop the row; they become the report's reason. */
  notes: string[];
}

export type RowPlan =
  | (PlanBase & { action: "skip"; productId: number | null; reason: string })
  | (PlanBase & { action: "keep"; sku: string; productId: number })
  | (PlanBase & { action: "create"; sku: string; fields: ProductFields; image: StoredImage; attributes: MinedAttribute[] })
  | (PlanBase & {
      action: "update";
      sku: string;
      productId: number;
      /** Changed field, "image" and "title attributes" names, for the report. */
      changes: string[];
      fields: ProductFields | null;
      image: ImageChange | null;
      previousImageId: number | null;
      attributes: MinedAttribute[] | null;
    });

/**
 * The location of a row's image file: `path` relative to the import folder
 * and the `name` that reports use for it (the name the merchant gave the
 * file). Otherwise the reason the row has no image: `absent` when the row
 * names no image, so an existing product keeps its stored one, and `missing`
 * when the row needs an image that cannot be found, so the row is skipped.
 */
export type RowImage = { path: string; name: string } | { absent: string } | { missing: string };

export type RowImageResolver = (row: CatalogueRow) => RowImage;

export interface PlanContext extends ImageLimits {
  datasetDir: string;
  storeDir: string;
  /** Finds each row's image inside datasetDir. */
  rowImages: RowImageResolver;
  /** Null when no attribute list is available: title attributes are then neither mined nor changed. */
  vocabulary: AttributeVocabulary | null;
  knownBrands: KnownBrands;
}

export function skipPlan(rowNumber: number, sku: string | null, reason: string, productId: number | null = null): RowPlan {
  return { action: "skip", rowNumber, sku, productId, reason, notes: [] };
}

export async function planRow(
  rowNumber: number,
  row: CatalogueRow,
  existing: ExistingProduct | undefined,
  context: PlanContext,
): Promise<RowPlan> {
  const { sku } = row;
  const existingId = existing?.id ?? null;
  if (existing?.status === "deleted") {
    return skipPlan(rowNumber, sku, `product ${sku} is deleted in the catalogue; the import does not restore deleted products`, existingId);
  }

  const rowImage = context.rowImages(row);
  if ("missing" in rowImage) return skipPlan(rowNumber, sku, rowImage.missing, existingId);
  if ("absent" in rowImage && !existing?.image) return skipPlan(rowNumber, sku, rowImage.absent, existingId);

  // A row without an image keeps the product's stored image, which counts as unchanged.
  let image: ImageChange | null = null;
  if ("path" in rowImage) {
    const read = await readRowImage(rowImage.path, existing, context);
    if (typeof read === "string") return skipPlan(rowNumber, sku, `${rowImage.name}: ${read}`, existingId);
    image = read;
  }

  const brand = row.brand ?? extractBrand(row.title, context.knownBrands);
  const fields: ProductFields = {
    title: row.title,
    brand,
    gender: row.gender,
    masterCategory: row.masterCategory,
    subCategory: row.subCategory,
    category: row.category,
    colour: row.colour,
    season: row.season,
    usage: row.usage,
    year: row.year,
  };
  const attributes = context.vocabulary ? mineTitleAttributes(row.title, brand, context.vocabulary) : null;
  const notes = [...row.warnings];

  if (!existing) {
    if (image === null) throw new Error(`Image of new product ${sku} was not stored`);
    return { action: "create", rowNumber, sku, fields, image: image.stored, attributes: attributes ?? [], notes };
  }

  const changedFields = PRODUCT_FIELDS.filter((name) => fields[name] !== existing.fields[name]);
  const attributesChanged = attributes !== null && !sameAttributes(attributes, existing.titleAttributes);
  const changes = [...changedFields, ...(image?.contentChanged ? ["image"] : []), ...(attributesChanged ? ["title attributes"] : [])];

  if (changedFields.length === 0 && !attributesChanged && image === null) {
    return { action: "keep", rowNumber, sku, productId: existing.id, notes };
  }
  if (changes.length === 0) notes.push("image files restored in the image store");

  return {
    action: "update",
    rowNumber,
    sku,
    productId: existing.id,
    changes,
    fields: changedFields.length > 0 ? fields : null,
    image,
    previousImageId: existing.image?.id ?? null,
    attributes: attributesChanged ? attributes : null,
    notes,
  };
}

/**
 * Reads the row's image. Returns null when it equals the stored image and the
 * store still has its files, an ImageChange when something must be written,
 * or the reason the row is skipped.
 */
async function readRowImage(
  imagePath: string,
  existing: ExistingProduct | undefined,
  context: PlanContext,
): Promise<ImageChange | null | string> {
  const file = path.join(context.datasetDir, imagePath);
  let bytes: Buffer;
  try {
    const stats = await fs.promises.stat(file);
    if (stats.size > MAX_IMAGE_BYTES) return tooLargeMessage(stats.size);
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    return `could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }

  const current = existing?.image ?? null;
  const sameContent = current !== null && current.contentHash === hashImage(bytes);
  if (sameContent) {
    const [hasOriginal, hasThumbnail] = await Promise.all([
      hasStoredFile(context.storeDir, current.storageKey),
      hasStoredFile(context.storeDir, current.thumbnailKey),
    ]);
    if (hasOriginal && hasThumbnail) return null;
  }

  try {
    const stored = await storeImage(bytes, { storeDir: context.storeDir, maxInputPixels: context.maxInputPixels });
    if (sameContent && stored.storageKey === current.storageKey && stored.thumbnailKey === current.thumbnailKey) {
      // The files were missing and are written again; the database row stays as it is.
      return null;
    }
    return { stored, contentChanged: !sameContent };
  } catch (error) {
    if (error instanceof ImageRejectedError) return error.message;
    throw error;
  }
}

function sameAttributes(a: readonly MinedAttribute[], b: readonly MinedAttribute[]): boolean {
  const keys = (list: readonly MinedAttribute[]) => new Set(list.map((item) => `${item.group}:${item.value}`));
  const left = keys(a);
  const right = keys(b);
  return left.size === right.size && [...left].every((key) => right.has(key));
}
