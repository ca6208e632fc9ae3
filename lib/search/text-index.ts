/**
 * Writes the full-text documents that keyword search matches against (table
 * "ProductSearch": FTS5 on SQLite, a weighted tsvector on PostgreSQL). Call
 * syncSearchDocuments in the same transaction as any change to a product's
 * text fields or attributes.
 */
import type { Db } from "../db/client";
import type { DatabaseProvider } from "../db/config";

/** A Prisma client or the client of an interactive transaction. */
export type SearchWriter = Pick<Db, "product" | "$executeRaw" | "$executeRawUnsafe">;

export interface SearchDocument {
  productId: number;
  title: string;
  brand: string;
  /** Category, sub-category and master category. */
  category: string;
  /** Attribute values and the catalogue attributes (colour, gender, season, usage). */
  attributes: string;
}

/** Attribute sources that describe the product for keyword search. */
const SEARCHABLE_SOURCES = ["merchant", "title"];

/** Rebuilds the documents of the given products; deleted or missing products lose theirs. */
export async function syncSearchDocuments(
  db: SearchWriter,
  provider: DatabaseProvider,
  productIds: readonly number[],
): Promise<void> {
  if (productIds.length === 0) return;

  const products = await db.product.findMany({
    where: { id: { in: [...productIds] }, status: { not: "deleted" } },
    select: {
      id: true,
      title: true,
      brand: true,
      category: true,
      subCategory: true,
      masterCategory: true,
      colour: true,
      gender: true,
      season: true,
      usage: true,
      attributes: {
        where: { source: { in: SEARCHABLE_SOURCES } },
        select: { attribute: { select: { value: true } } },
      },
    },
  });

  const documents: SearchDocument[] = products.map((product) => ({
    productId: product.id,
    title: product.title,
    brand: product.brand ?? "",
    category: joinWords([product.category, product.subCategory, product.masterCategory]),
    attributes: joinWords([
      ...product.attributes.map((row) => row.attribute.value),
      product.colour,
      product.gender,
      product.season,
      product.usage,
    ]),
  }));

  await deleteSearchDocuments(db, provider, productIds);
  for (const document of documents) {
    await insertSearchDocument(db, provider, document);
  }
}

export async function deleteSearchDocuments(
  db: SearchWriter,
  provider: DatabaseProvider,
  productIds: readonly number[],
): Promise<void> {
  if (productIds.length === 0) return;
  const ids = productIds.map((id) => Math.trunc(id)).join(",");
  if (provider === "sqlite") {
    await db.$executeRawUnsafe(`DELETE FROM "ProductSearch" WHERE rowid IN (${ids})`);
  } else {
    await db.$executeRawUnsafe(`DELETE FROM "ProductSearch" WHERE "productId" IN (${ids})`);
  }
}

async function insertSearchDocument(db: SearchWriter, provider: DatabaseProvider, document: SearchDocument) {
  if (provider === "sqlite") {
    await db.$executeRaw`
      INSERT INTO "ProductSearch" (rowid, title, brand, category, attributes)
      VALUES (${document.productId}, ${document.title}, ${document.brand}, ${document.category}, ${document.attributes})`;
    return;
  }
  await db.$executeRaw`
    INSERT INTO "ProductSearch" ("productId", "document")
    VALUES (
      ${document.productId},
      setweight(to_tsvector('english', ${document.title}), 'A') ||
      setweight(to_tsvector('english', ${document.brand}), 'B') ||
      setweight(to_tsvector('english', ${document.category}), 'B') ||
      setweight(to_tsvector('english', ${document.attributes}), 'C')
    )`;
}

function joinWords(values: readonly (string | null | undefined)[]): string {
  return values.filter((value): value is string => Boolean(value && value.trim())).join(" ");
}
