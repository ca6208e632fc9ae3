import type { Db } from "../db/client";

/** A Prisma client or the client handed to an interactive transaction. */
export type DbClient = Pick<Db, "catalogueRevision">;

/**
 * Bumps the catalogue revision. Call it inside the transaction that changes
 * products or their attributes, so caches keyed on the revision (the facet
 * index) reload after the commit and never before.
 */
export async function bumpCatalogueRevision(db: DbClient): Promise<number> {
  const row = await db.catalogueRevision.upsert({
    where: { id: 1 },
    create: { id: 1, revision: 1 },
    update: { revision: { increment: 1 } },
  });
  return row.revision;
}

export async function readCatalogueRevision(db: DbClient): Promise<number> {
  const row = await db.catalogueRevision.findUnique({ where: { id: 1 }, select: { revision: true } });
  return row?.revision ?? 0;
}
