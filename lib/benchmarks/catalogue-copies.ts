/**
 * Copies of a benchmark catalogue's rows: the keyword search and photo search
 * benchmarks grow the imported 10k catalogue tenfold with these inserts.
 */
import type { Database } from "../db/client";

/** Size of a replicated catalogue as a multiple of the imported one: the original and nine copies. */
export const CATALOGUE_REPLICATION_FACTOR = 10;

type Transaction = Parameters<Parameters<Database["prisma"]["$transaction"]>[0]>[0];

const PRODUCT_COLUMNS = `"merchantId", "title", "brand", "gender", "masterCategory", "subCategory", "category", "colour", "season", "usage", "year", "status", "createdAt", "updatedAt", "deletedAt"`;
const IMAGE_COLUMNS = `"position", "contentHash", "byteSize", "width", "height", "format", "storageKey", "thumbnailKey", "status", "error", "createdAt", "updatedAt"`;

/** Returns the largest product id, which is the id shift between two copies. Throws when there are no products. */
export async function catalogueIdOffset(database: Database): Promise<number> {
  const rows = await database.prisma.$queryRawUnsafe<{ maxId: number | null }[]>(`SELECT MAX("id") AS "maxId" FROM "Product"`);
  const offset = Number(rows[0]?.maxId ?? 0);
  if (offset === 0) throw new Error("The benchmark catalogue has no products; rerun with --rebuild");
  return offset;
}

/**
 * Inserts copy number `copy` of every product with an id up to `offset`, and
 * of its images: ids shifted by copy x offset, SKUs suffixed "-copy<copy>".
 */
export async function insertProductCopies(tx: Transaction, offset: number, copy: number): Promise<void> {
  const shift = copy * offset;
  await tx.$executeRawUnsafe(`
    INSERT INTO "Product" ("id", "sku", ${PRODUCT_COLUMNS})
    SELECT "id" + ${shift}, "sku" || '-copy${copy}', ${PRODUCT_COLUMNS} FROM "Product" WHERE "id" <= ${offset}`);
  await tx.$executeRawUnsafe(`
    INSERT INTO "ProductImage" ("productId", ${IMAGE_COLUMNS})
    SELECT "productId" + ${shift}, ${IMAGE_COLUMNS} FROM "ProductImage" WHERE "productId" <= ${offset}`);
}
