/**
 * Full-text matching against the "ProductSearch" documents that
 * lib/search/text-index.ts writes: FTS5 with bm25 on SQLite, a weighted
 * tsvector with ts_rank on PostgreSQL. Every term must match (AND), and every
 * term matches as a prefix, so "stri shi" finds "Striped Shirt".
 *
 * NOTE: the providers tokenize and stem differently, so rare words can match
 * on one provider and not the other. SQLite uses the Porter stemmer, folds
 * diacritics ("cafe" finds "Café") and splits "Mr.Men" into two words.
 * PostgreSQL uses Snowball English and keeps dotted words such as "Mr.Men" whole.
 */
import type { Database } from "../db/client";

/**
 * Relative weight of each document column in the relevance score. They are
 * PostgreSQL's default ts_rank weights for the classes the document uses
 * (title A, brand and category B, attributes C), so both providers weigh the
 * columns alike.
 */
export const FIELD_WEIGHTS = { title: 1.0, brand: 0.4, category: 0.4, attributes: 0.2 } as const;

/**
 * ts_rank normalisation 1 divides the rank by 1 + log(document length), so a
 * short title that matches outranks a long one, as bm25 does on SQLite.
 */
const TS_RANK_NORMALIZATION = 1;

/** Matching products, in no particular order. */
export interface TextMatches {
  productIds: ArrayLike<number>;
  /** Relevance of each product in productIds (higher is better); null when not requested. */
  scores: ArrayLike<number> | null;
}

export interface MatchOptions {
  /** Whether to compute relevance scores. Leave it false when the results are sorted by another key, which is faster. */
  scores: boolean;
}

/** Builds an FTS5 query in which each term is a quoted prefix phrase: `"stri"* AND "shi"*`. */
export function toFtsQuery(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(" AND ");
}

/** Builds a to_tsquery input in which each term is a quoted prefix: `'stri':* & 'shi':*`. */
export function toTsQuery(terms: readonly string[]): string {
  return terms.map((term) => `'${term.replaceAll("\\", "\\\\").replaceAll("'", "''")}':*`).join(" & ");
}

interface AggregateRow {
  ids: string | null;
  scores?: string | null;
}

/**
 * Finds the products whose document contains every term as a word prefix.
 * Terms must come from tokenizeQuery. The database aggregates the matches
 * into one JSON array per column, because Prisma converts each returned row
 * into an object, which costs far more than the match at 100k products.
 */
export async function matchText(
  database: Database,
  terms: readonly string[],
  options: MatchOptions,
): Promise<TextMatches> {
  if (terms.length === 0) return { productIds: [], scores: options.scores ? [] : null };

  const rows =
    database.provider === "sqlite"
      ? await database.prisma.$queryRawUnsafe<AggregateRow[]>(sqliteMatchSql(options), toFtsQuery(terms))
      : await database.prisma.$queryRawUnsafe<AggregateRow[]>(postgresMatchSql(options), toTsQuery(terms));

  const row = rows[0];
  const productIds = parseJsonNumbers(row?.ids);
  const scores = options.scores ? parseJsonNumbers(row?.scores) : null;
  if (scores && scores.length !== productIds.length) {
    throw new Error(`Text match returned ${productIds.length} ids but ${scores.length} scores`);
  }
  return { productIds, scores };
}

function sqliteMatchSql(options: MatchOptions): string {
  if (!options.scores) {
    return `SELECT json_group_array(rowid) AS ids FROM "ProductSearch" WHERE "ProductSearch" MATCH ?`;
  }
  const { title, brand, category, attributes } = FIELD_WEIGHTS;
  // bm25 is negative, lower being better, hence the minus. LIMIT -1 keeps
  // SQLite from flattening the subquery into the aggregate, where bm25
  // cannot run.
  return `
    SELECT json_group_array(id) AS ids, json_group_array(score) AS scores
    FROM (
      SELECT rowid AS id, -bm25("ProductSearch", ${title}, ${brand}, ${category}, ${attributes}) AS score
      FROM "ProductSearch"
      WHERE "ProductSearch" MATCH ?
      LIMIT -1
    )`;
}

function postgresMatchSql(options: MatchOptions): string {
  if (!options.scores) {
    return `
      SELECT json_agg(s."productId")::text AS ids
      FROM "ProductSearch" s
      WHERE s."document" @@ to_tsquery('english', $1)`;
  }
  const { title, brand, attributes } = FIELD_WEIGHTS;
  // ts_rank takes the weights in the order D, C, B, A; the document uses no D.
  const weights = `'{0, ${attributes}, ${brand}, ${title}}'::float4[]`;
  return `
    SELECT json_agg(s."productId")::text AS ids,
           json_agg(ts_rank(${weights}, s."document", q, ${TS_RANK_NORMALIZATION}))::text AS scores
    FROM "ProductSearch" s, to_tsquery('english', $1) AS q
    WHERE s."document" @@ q`;
}

function parseJsonNumbers(json: string | null | undefined): number[] {
  if (!json) return [];
  const values: unknown = JSON.parse(json);
  if (!Array.isArray(values)) throw new Error(`Text match returned ${typeof values} where a JSON array was expected`);
  return values as number[];
}
