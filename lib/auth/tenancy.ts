/**
 * Tenancy in the data-access layer: every read or write of a merchant's
 * products, import batches and jobs goes through these helpers with the
 * signed-in user, and the helpers add the ownership condition to the query
 * itself. A merchant sees and changes only rows of their own shop, and an
 * admin sees all of them.
 *
 * A row that exists but belongs to another shop comes back exactly like a row
 * that does not exist (undefined or false), so API routes answer 404 and do
 * not reveal that another shop has that id.
 *
 * Shoppers never come here: the public shop pages read published products
 * through lib/catalogue/queries.ts.
 */
import { bumpCatalogueRevision } from "../catalogue/revision";
import type { ProductStatus } from "../catalogue/types";
import type { Db } from "../db/client";
import type { SessionUser } from "./session-user";

/** The user a scoped query runs for. A SessionUser satisfies it. */
export type Actor = Pick<SessionUser, "id" | "role" | "merchantId">;

/** The ownership condition for models with a merchantId column: Product, ImportBatch, Job. */
export interface MerchantScope {
  merchantId?: number;
}

export class TenancyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TenancyError";
  }
}

/**
 * Returns the `where` condition that limits a query to what `actor` may see:
 * `{ merchantId }` for a merchant, `{}` (everything) for an admin. Throws
 * TenancyError for a merchant without a shop, which a session never carries
 * (see toSessionUser) but a hand-built Actor could.
 */
export function merchantScope(actor: Actor): MerchantScope {
  if (actor.role === "admin") return {};
  if (actor.role === "merchant" && actor.merchantId !== null) return { merchantId: actor.merchantId };
  throw new TenancyError(`User ${actor.id} (role ${actor.role}) has no shop, so it may not read or change catalogue data`);
}

/** Returns the condition for ProductImage rows, which belong to a merchant through their product. */
export function productImageScope(actor: Actor): { product?: MerchantScope } {
  const scope = merchantScope(actor);
  return scope.merchantId === undefined ? {} : { product: scope };
}

export type TenancyDb = Pick<Db, "product" | "importBatch" | "job" | "catalogueRevision" | "$transaction">;

const PRODUCT_SUMMARY_SELECT = {
  id: true,
  merchantId: true,
  sku: true,
  title: true,
  brand: true,
  category: true,
  status: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface MerchantProduct {
  id: number;
  merchantId: number;
  sku: string;
  title: string;
  brand: string | null;
  category: string | null;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ListProductsOptions {
  /** Only this status. By default every status except "deleted". */
  status?: ProductStatus;
  /** Admins only: one shop's products. Ignored for merchants, who always get their own. */
  merchantId?: number;
  /** Page size from 1 to 100, default 50. */
  limit?: number;
  /** Return products with an id greater than this (keyset pagination, ascending id). */
  afterId?: number;
}

export const MAX_PRODUCT_PAGE = 100;

export async function listMerchantProducts(
  db: TenancyDb,
  actor: Actor,
  options: ListProductsOptions = {},
): Promise<MerchantProduct[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), MAX_PRODUCT_PAGE);
  return db.product.findMany({
    where: {
      ...adminFilter(actor, options.merchantId),
      ...merchantScope(actor),
      status: options.status ?? { not: "deleted" },
      ...(options.afterId !== undefined ? { id: { gt: options.afterId } } : {}),
    },
    orderBy: { id: "asc" },
    take: limit,
    select: PRODUCT_SUMMARY_SELECT,
  });
}

/** Counts the products `actor` may see, deleted ones excluded. */
export async function countMerchantProducts(db: TenancyDb, actor: Actor): Promise<number> {
  return db.product.count({ where: { ...merchantScope(actor), status: { not: "deleted" } } });
}

/** Returns the product, or undefined when it does not exist or belongs to another shop. */
export async function getMerchantProduct(db: TenancyDb, actor: Actor, productId: number): Promise<MerchantProduct | undefined> {
  const product = await db.product.findFirst({
    where: { id: productId, ...merchantScope(actor) },
    select: PRODUCT_SUMMARY_SELECT,
  });
  return product ?? undefined;
}

export interface ProductChanges {
  title?: string;
  /** "deleted" goes through deleteMerchantProduct, which also sets deletedAt. */
  status?: Exclude<ProductStatus, "deleted">;
}

/**
 * Applies `changes` when the product is visible to `actor`, and otherwise
 * returns undefined and changes nothing. The ownership check and the write are one
 * UPDATE ... WHERE id AND merchantId, so there is no window between check and
 * write.
 */
export async function updateMerchantProduct(
  db: TenancyDb,
  actor: Actor,
  productId: number,
  changes: ProductChanges,
): Promise<MerchantProduct | undefined> {
  const scope = merchantScope(actor);
  return db.$transaction(async (tx) => {
    const { count } = await tx.product.updateMany({
      where: { id: productId, ...scope, status: { not: "deleted" } },
      data: {
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.status !== undefined ? { status: changes.status } : {}),
      },
    });
    if (count === 0) return undefined;

    await bumpCatalogueRevision(tx);
    const product = await tx.product.findFirst({ where: { id: productId, ...scope }, select: PRODUCT_SUMMARY_SELECT });
    return product ?? undefined;
  });
}

/**
 * Marks the product deleted (status "deleted", deletedAt set). The row stays so
 * that imports and the vector index see the deletion. Returns false when the
 * product is not visible to `actor` or was already deleted.
 */
export async function deleteMerchantProduct(db: TenancyDb, actor: Actor, productId: number): Promise<boolean> {
  const scope = merchantScope(actor);
  return db.$transaction(async (tx) => {
    const { count } = await tx.product.updateMany({
      where: { id: productId, ...scope, status: { not: "deleted" } },
      data: { status: "deleted", deletedAt: new Date() },
    });
    if (count === 0) return false;

    await bumpCatalogueRevision(tx);
    return true;
  });
}

export interface MerchantImportBatch {
  id: number;
  merchantId: number;
  source: string;
  status: string;
  rowsTotal: number;
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const IMPORT_BATCH_SELECT = {
  id: true,
  merchantId: true,
  source: true,
  status: true,
  rowsTotal: true,
  imported: true,
  updated: true,
  unchanged: true,
  skipped: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

/** Returns the import batch, or undefined when it does not exist or belongs to another shop. */
export async function getMerchantImportBatch(
  db: TenancyDb,
  actor: Actor,
  batchId: number,
): Promise<MerchantImportBatch | undefined> {
  const batch = await db.importBatch.findFirst({ where: { id: batchId, ...merchantScope(actor) }, select: IMPORT_BATCH_SELECT });
  return batch ?? undefined;
}

/** Lists import batches newest first, `limit` from 1 to 100 (default 20). */
export async function listMerchantImportBatches(
  db: TenancyDb,
  actor: Actor,
  options: { limit?: number; merchantId?: number } = {},
): Promise<MerchantImportBatch[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), 100);
  return db.importBatch.findMany({
    where: { ...adminFilter(actor, options.merchantId), ...merchantScope(actor) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: IMPORT_BATCH_SELECT,
  });
}

export interface MerchantJob {
  id: number;
  type: string;
  status: string;
  attempts: number;
  lastError: string | null;
  merchantId: number | null;
  imageId: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/**
 * Returns the job, or undefined when it does not exist or is not the actor's.
 * Jobs without a merchant (system jobs) are visible to admins only.
 */
export async function getMerchantJob(db: TenancyDb, actor: Actor, jobId: number): Promise<MerchantJob | undefined> {
  const job = await db.job.findFirst({
    where: { id: jobId, ...merchantScope(actor) },
    select: {
      id: true,
      type: true,
      status: true,
      attempts: true,
      lastError: true,
      merchantId: true,
      imageId: true,
      createdAt: true,
      finishedAt: true,
    },
  });
  return job ?? undefined;
}

/** Returns an admin's optional filter on one shop. Merchants stay limited to their own shop by merchantScope. */
function adminFilter(actor: Actor, merchantId: number | undefined): MerchantScope {
  return actor.role === "admin" && merchantId !== undefined ? { merchantId } : {};
}
