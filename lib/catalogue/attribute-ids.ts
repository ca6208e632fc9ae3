/**
 * Attribute ids by group and value, created on first use. Attribute rows are
 * created outside the import transactions: an attribute with no product is
 * harmless, and creating it early keeps ids valid when a later transaction
 * rolls back.
 */
import type { Db } from "../db/client";
import type { AttributeGroupKey } from "./types";

type AttributeClient = Pick<Db, "attribute">;

export class AttributeIds {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly db: AttributeClient,
    private readonly groupIds: ReadonlyMap<AttributeGroupKey, number>,
  ) {}

  /** Makes sure every (group, value) pair has an Attribute row and a cached id. */
  async ensure(pairs: Iterable<{ group: AttributeGroupKey; value: string }>): Promise<void> {
    for (const { group, value } of pairs) {
      const key = cacheKey(group, value);
      if (this.ids.has(key)) continue;
      const groupId = this.groupIds.get(group);
      if (groupId === undefined) throw new Error(`Attribute group "${group}" is missing: call ensureAttributeGroups first`);
      const attribute = await this.db.attribute.upsert({
        where: { groupId_value: { groupId, value } },
        create: { groupId, value },
        update: {},
        select: { id: true },
      });
      this.ids.set(key, attribute.id);
    }
  }

  /** Returns the id of a pair passed to ensure() before, and throws for any other pair. */
  get(group: AttributeGroupKey, value: string): number {
    const id = this.ids.get(cacheKey(group, value));
    if (id === undefined) throw new Error(`Attribute ${group}="${value}" was not ensured before use`);
    return id;
  }
}

function cacheKey(group: string, value: string): string {
  return `${group}\u0000${value}`;
}
