/**
 * Reads the display fields of one page of hits in a single query.
 */
import { mediaUrl } from "../catalogue/image-store";
import type { Database } from "../db/client";
import type { SearchHit } from "./types";

interface HitRow {
  id: number;
  status: string;
  sku: string;
  title: string;
  brand: string | null;
  category: string | null;
  colour: string | null;
  gender: string | null;
  thumbnailKey: string | null;
}

/**
 * Returns the hits for the given products in the same order. A product that
 * stopped being published after the facet index was loaded is left out.
 */
export async function fetchHits(database: Database, productIds: readonly number[]): Promise<SearchHit[]> {
  if (productIds.length === 0) return [];
  // The ids come from the facet index, so they are integers; Math.trunc keeps the inlined list safe regardless.
  const idList = productIds.map((id) => Math.trunc(id)).join(", ");
  // The status is checked here rather than in SQL: with a status condition,
  // SQLite without ANALYZE statistics scans the (status, createdAt) index
  // instead of looking the ids up by primary key.
  const rows = await database.prisma.$queryRawUnsafe<HitRow[]>(`
    SELECT p."id", p."status", p."sku", p."title", p."brand", p."category", p."colour", p."gender",
           (SELECT i."thumbnailKey" FROM "ProductImage" i
            WHERE i."productId" = p."id"
            ORDER BY i."position"
            LIMIT 1) AS "thumbnailKey"
    FROM "Product" p
    WHERE p."id" IN (${idList})`);

  const byId = new Map(rows.filter((row) => row.status === "published").map((row) => [Number(row.id), row]));
  const hits: SearchHit[] = [];
  for (const id of productIds) {
    const row = byId.get(id);
    if (!row) continue;
    hits.push({
      id,
      sku: row.sku,
      title: row.title,
      brand: row.brand,
      category: row.category,
      colour: row.colour,
      gender: row.gender,
      thumbnailUrl: row.thumbnailKey ? mediaUrl(row.thumbnailKey) : null,
    });
  }
  return hits;
}
