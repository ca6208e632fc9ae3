/**
 * Reads the published catalogue into a FacetIndex. Catalogue facets come from
 * Product columns; attribute-group facets come from ProductAttribute rows.
 */
import { MULTI_ATTRIBUTE_GROUPS, type MultiAttributeGroup } from "../catalogue/types";
import { readCatalogueRevision } from "../catalogue/revision";
import type { Database } from "../db/client";
import { logger } from "../logger";
import { FacetIndex, type CatalogueEntry } from "./facet-index";
import type { Facet } from "./types";

/**
 * Lowest probability at which a tag predicted from the photo (source
 * "model") counts as a facet value. Below it the tag is shown on the product
 * page as a suggestion but does not filter.
 */
export const MODEL_SCORE_THRESHOLD = 0.5;

/**
 * Products read per query. A batch comes back as one JSON text, about 160
 * bytes per product (3 MB) with the Fashion Product Images titles.
 */
const LOAD_BATCH_SIZE = 20_000;

/** Facets that are Product columns, in the column order of the product query. */
const COLUMN_FACETS = ["category", "subCategory", "masterCategory", "gender", "colour", "season", "usage"] as const;

/** [id, status, title, createdAt, year, ...COLUMN_FACETS] */
type ProductTuple = [number, string, string, string | number, number | null, ...(string | null)[]];
/** [productId, attributeId, source, verified] */
type AttributeTuple = [number, number, string, boolean | number];

interface AttributeInfo {
  group: MultiAttributeGroup;
  value: string;
}

/**
 * Loads the published catalogue and returns its index. The revision is read
 * before the rows, so a change committed during the load leaves the index
 * marked older than its data and the next search reloads it, never the
 * reverse.
 */
export async function loadFacetIndex(database: Database): Promise<FacetIndex> {
  const started = performance.now();
  const revision = await readCatalogueRevision(database.prisma);
  const attributes = await readAttributeDictionary(database);
  const entries: CatalogueEntry[] = [];

  let afterId = 0;
  for (;;) {
    const products = await readProductBatch(database, afterId);
    if (products.length === 0) break;
    const lastId = products.reduce((max, product) => Math.max(max, product[0]), afterId);
    const published = products.filter((product) => product[1] === "published");
    const batch = new Map(published.map((product) => [product[0], toEntry(product)]));

    const rows = await readAttributeBatch(database, afterId, lastId);
    addAttributeValues(batch, rows, attributes);

    for (const entry of batch.values()) entries.push(entry);
    afterId = lastId;
    if (products.length < LOAD_BATCH_SIZE) break;
    // Lets other requests run between batches; SQLite queries block the thread.
    await new Promise((resolve) => setImmediate(resolve));
  }

  const index = new FacetIndex(revision, entries);
  logger.info(
    { revision, products: index.size, durationMs: Math.round(performance.now() - started) },
    "loaded search facet index",
  );
  return index;
}

async function readAttributeDictionary(database: Database): Promise<Map<number, AttributeInfo>> {
  const rows = await database.prisma.attribute.findMany({
    where: { group: { key: { in: [...MULTI_ATTRIBUTE_GROUPS] } } },
    select: { id: true, value: true, group: { select: { key: true } } },
  });
  return new Map(rows.map((row) => [row.id, { group: row.group.key as MultiAttributeGroup, value: row.value }]));
}

/**
 * Reads the next products of any status by id; the caller keeps the published
 * ones. Filtering by status in SQL would make SQLite, which has no ANALYZE
 * statistics here, scan the (status, createdAt) index and sort instead of
 * walking the primary key.
 */
async function readProductBatch(database: Database, afterId: number): Promise<ProductTuple[]> {
  const columns = COLUMN_FACETS.map((column) => `"${column}"`).join(", ");
  const sql =
    database.provider === "sqlite"
      ? `SELECT json_group_array(json_array("id", "status", "title", "createdAt", "year", ${columns})) AS rows
         FROM (SELECT * FROM "Product" WHERE "id" > ? ORDER BY "id" LIMIT ?)`
      : `SELECT json_agg(json_build_array(
           "id", "status", "title", (extract(epoch FROM "createdAt") * 1000)::float8, "year", ${columns}
         ))::text AS rows
         FROM (SELECT * FROM "Product" WHERE "id" > $1 ORDER BY "id" LIMIT $2) AS p`;
  return readJsonRows<ProductTuple>(database, sql, afterId, LOAD_BATCH_SIZE);
}

/**
 * Reads the attribute rows of products afterId < id <= lastId that can be
 * facet values: merchant and title rows, model rows scoring at least
 * MODEL_SCORE_THRESHOLD, and verified rows of any source. Rows of other
 * groups are dropped by the caller, so the query walks the primary key.
 */
async function readAttributeBatch(database: Database, afterId: number, lastId: number): Promise<AttributeTuple[]> {
  const sql =
    database.provider === "sqlite"
      ? `SELECT json_group_array(json_array("productId", "attributeId", "source", "verified")) AS rows
         FROM "ProductAttribute"
         WHERE "productId" > ? AND "productId" <= ?
           AND ("source" IN ('merchant', 'title') OR "verified" = 1 OR ("source" = 'model' AND "score" >= ?))`
      : `SELECT json_agg(json_build_array("productId", "attributeId", "source", "verified"))::text AS rows
         FROM "ProductAttribute"
         WHERE "productId" > $1 AND "productId" <= $2
           AND ("source" IN ('merchant', 'title') OR "verified" OR ("source" = 'model' AND "score" >= $3))`;
  return readJsonRows<AttributeTuple>(database, sql, afterId, lastId, MODEL_SCORE_THRESHOLD);
}

/** Runs a query that aggregates its rows into one JSON array, which avoids Prisma's per-row cost. */
async function readJsonRows<T>(database: Database, sql: string, ...parameters: unknown[]): Promise<T[]> {
  const result = await database.prisma.$queryRawUnsafe<{ rows: string | null }[]>(sql, ...parameters);
  const json = result[0]?.rows;
  return json ? (JSON.parse(json) as T[]) : [];
}

function toEntry(product: ProductTuple): CatalogueEntry {
  const [id, , title, createdAt, year, ...columnValues] = product;
  const values: Partial<Record<Facet, string[]>> = {};
  COLUMN_FACETS.forEach((facet, i) => {
    const value = columnValues[i];
    if (value) values[facet] = [value];
  });
  return { id, title, createdAtMs: parseTimestamp(createdAt, id), year, values };
}

/**
 * Adds attribute-group values to the entries. For one product and group,
 * verified rows win: when any exists, the unverified rows of that group
 * (title words, model guesses) are ignored, because the merchant has
 * corrected the group.
 */
function addAttributeValues(
  batch: Map<number, CatalogueEntry>,
  rows: readonly AttributeTuple[],
  attributes: Map<number, AttributeInfo>,
): void {
  const verifiedGroups = new Set<string>();
  for (const [productId, attributeId, , verified] of rows) {
    const attribute = attributes.get(attributeId);
    if (attribute && verified) verifiedGroups.add(`${productId}:${attribute.group}`);
  }

  for (const [productId, attributeId, , verified] of rows) {
    const entry = batch.get(productId);
    const attribute = attributes.get(attributeId);
    if (!entry || !attribute) continue;
    if (!verified && verifiedGroups.has(`${productId}:${attribute.group}`)) continue;
    const values = (entry.values[attribute.group] ??= []) as string[];
    if (!values.includes(attribute.value)) values.push(attribute.value);
  }
}

/**
 * Converts a stored createdAt to epoch milliseconds. On SQLite the column
 * contains whatever the writer stored. Prisma writes ISO 8601 text with an
 * offset, the column default CURRENT_TIMESTAMP writes "YYYY-MM-DD HH:MM:SS"
 * in UTC, and raw SQL may store epoch milliseconds. The PostgreSQL query
 * returns milliseconds.
 */
function parseTimestamp(value: string | number, productId: number): number {
  if (typeof value === "number") return value;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new Error(`Product ${productId} has an unreadable createdAt ${JSON.stringify(value)}`);
  }
  return ms;
}
