/**
 * Read-only catalogue getters for the shop pages. Each selects only the
 * columns its page shows and reads published products only, so drafts and
 * deleted products never reach a shopper. A missing product comes back as
 * undefined so the page can call notFound().
 */
import { getDatabase, type Database } from "../db/client";
import { mediaUrl } from "./image-store";
import type { AttributeSource } from "./types";
import { isAttributeSource } from "./types";

export interface ProductImageView {
  url: string;
  thumbnailUrl: string;
  width: number;
  height: number;
}

export interface ProductAttributeView {
  /** AttributeGroup.key, for example "texture" or "colour". */
  group: string;
  value: string;
  source: AttributeSource;
  /** The model's probability from 0 to 1 for source "model"; null otherwise. */
  score: number | null;
  verified: boolean;
}

export interface ProductDetail {
  id: number;
  sku: string;
  title: string;
  brand: string | null;
  gender: string | null;
  masterCategory: string | null;
  subCategory: string | null;
  category: string | null;
  colour: string | null;
  season: string | null;
  usage: string | null;
  year: number | null;
  /** In display order; the first is the main image. */
  images: ProductImageView[];
  /** Sorted by group position, then value, then source. */
  attributes: ProductAttributeView[];
}

export interface CategoryCount {
  /** The article type, for example "Shirts". */
  category: string;
  count: number;
}

export interface ProductSummary {
  id: number;
  title: string;
  brand: string | null;
  category: string | null;
  thumbnailUrl: string | null;
}

const PUBLISHED = "published";

/** Order of attribute sources within one value: the merchant's word first. */
const SOURCE_ORDER: Record<AttributeSource, number> = { merchant: 0, title: 1, model: 2 };

export async function getProduct(id: number, database: Database = getDatabase()): Promise<ProductDetail | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;

  const product = await database.prisma.product.findFirst({
    where: { id, status: PUBLISHED },
    select: {
      id: true,
      sku: true,
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
        orderBy: { position: "asc" },
        select: { storageKey: true, thumbnailKey: true, width: true, height: true },
      },
      attributes: {
        select: {
          source: true,
          score: true,
          verified: true,
          attribute: { select: { value: true, group: { select: { key: true, position: true } } } },
        },
      },
    },
  });
  if (!product) return undefined;

  const attributes = product.attributes
    .filter((row) => isAttributeSource(row.source))
    .sort(
      (a, b) =>
        a.attribute.group.position - b.attribute.group.position ||
        a.attribute.group.key.localeCompare(b.attribute.group.key) ||
        a.attribute.value.localeCompare(b.attribute.value) ||
        SOURCE_ORDER[a.source as AttributeSource] - SOURCE_ORDER[b.source as AttributeSource],
    )
    .map(
      (row): ProductAttributeView => ({
        group: row.attribute.group.key,
        value: row.attribute.value,
        source: row.source as AttributeSource,
        score: row.score,
        verified: row.verified,
      }),
    );

  return {
    id: product.id,
    sku: product.sku,
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
    images: product.images.map((image) => ({
      url: mediaUrl(image.storageKey),
      thumbnailUrl: mediaUrl(image.thumbnailKey),
      width: image.width,
      height: image.height,
    })),
    attributes,
  };
}

/** Lists article types by number of published products, largest first. */
export async function listCategories(limit = 12, database: Database = getDatabase()): Promise<CategoryCount[]> {
  const groups = await database.prisma.product.groupBy({
    by: ["category"],
    where: { status: PUBLISHED, category: { not: null } },
    _count: { _all: true },
    orderBy: [{ _count: { category: "desc" } }, { category: "asc" }],
    take: limit,
  });
  return groups
    .filter((group): group is typeof group & { category: string } => group.category !== null)
    .map((group) => ({ category: group.category, count: group._count._all }));
}

/** Lists the most recently added published products, newest first. */
export async function listNewArrivals(limit = 8, database: Database = getDatabase()): Promise<ProductSummary[]> {
  const products = await database.prisma.product.findMany({
    where: { status: PUBLISHED },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: {
      id: true,
      title: true,
      brand: true,
      category: true,
      images: { orderBy: { position: "asc" }, take: 1, select: { thumbnailKey: true } },
    },
  });
  return products.map((product) => ({
    id: product.id,
    title: product.title,
    brand: product.brand,
    category: product.category,
    thumbnailUrl: product.images[0] ? mediaUrl(product.images[0].thumbnailKey) : null,
  }));
}
