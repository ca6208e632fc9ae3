/**
 * Stores a merchant's accepted or corrected tags. Each corrected group gets
 * ProductAttribute rows with source "merchant" and verified true, which
 * replace the merchant's earlier rows of that group. The model's rows and
 * Predictions are never touched, so evaluation and retraining can compare
 * them with the merchant's correction. For the category and the single-valued
 * groups (colour, gender, season, usage) the Product column changes too,
 * because search facets read those from the column.
 *
 * Everything happens in one transaction together with the product's search
 * document and the catalogue revision, so the facet counts change with the
 * commit and never show half a correction.
 */
import { merchantScope, type Actor } from "../auth/tenancy";
import { MAX_LABEL_LENGTH } from "../catalogue/catalogue-csv";
import { ensureAttributeGroups } from "../catalogue/catalogue-setup";
import { bumpCatalogueRevision } from "../catalogue/revision";
import type { Database } from "../db/client";
import type { Prisma } from "../generated/sqlite/client";
import { syncSearchDocuments } from "../search/text-index";
import { CATEGORY_GROUP, CATEGORY_GROUP_POSITION, isColumnGroup, isReviewGroup, type ReviewGroupKey } from "./groups";

type Tx = Prisma.TransactionClient;

/** Most values a merchant may set for one multi-label group. */
export const MAX_GROUP_VALUES = 20;

/**
 * Tag groups and their verified values. A single-valued group (category,
 * colour, gender, season, usage) takes exactly one value. A multi-label group
 * takes 0 to MAX_GROUP_VALUES values from its vocabulary. An empty list
 * withdraws the merchant's verification, so the title and model values count
 * again.
 */
export type TagCorrections = Partial<Record<ReviewGroupKey, string[]>>;

export interface CorrectionIssue {
  group: string;
  message: string;
}

export type CorrectionResult =
  | { ok: true; changedGroups: ReviewGroupKey[] }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "invalid"; issues: CorrectionIssue[] };

export async function applyTagCorrections(
  database: Database,
  actor: Actor,
  productId: number,
  corrections: TagCorrections,
): Promise<CorrectionResult> {
  const scope = merchantScope(actor);
  const { groups, issues } = normalise(corrections);
  if (issues.length > 0) return { ok: false, reason: "invalid", issues };
  if (groups.length === 0) return { ok: false, reason: "invalid", issues: [{ group: "", message: "Send at least one tag group to correct." }] };

  const groupIds = await loadGroupIds(database, groups.map(([key]) => key));
  const vocabularyIssues = await checkVocabulary(database, groups, groupIds);
  if (vocabularyIssues.length > 0) return { ok: false, reason: "invalid", issues: vocabularyIssues };

  return database.prisma.$transaction(async (tx) => {
    // A write first: it checks ownership and takes SQLite's write lock at once,
    // so the transaction never has to upgrade a read lock under contention.
    const { count } = await tx.product.updateMany({
      where: { id: productId, ...scope, status: { not: "deleted" } },
      data: { updatedAt: new Date() },
    });
    if (count === 0) return { ok: false, reason: "not_found" } as const;

    // NOTE: a later upload whose CSV has another value for one of these
    // columns overwrites it, while the verified row stays: the CSV is the
    // merchant's word too, and the import does not read verified rows.
    const columns: Record<string, string> = {};
    for (const [key, values] of groups) {
      if (isColumnGroup(key)) columns[key] = values[0] as string;
      await replaceVerifiedValues(tx, productId, groupIds.get(key) as number, values);
    }
    if (Object.keys(columns).length > 0) await tx.product.update({ where: { id: productId }, data: columns });

    await syncSearchDocuments(tx, database.provider, [productId]);
    await bumpCatalogueRevision(tx);
    return { ok: true, changedGroups: groups.map(([key]) => key) } as const;
  });
}

/** Trims values, drops duplicates and checks counts and lengths; returns the groups in input order. */
function normalise(corrections: TagCorrections): { groups: [ReviewGroupKey, string[]][]; issues: CorrectionIssue[] } {
  const groups: [ReviewGroupKey, string[]][] = [];
  const issues: CorrectionIssue[] = [];

  for (const [key, rawValues] of Object.entries(corrections)) {
    if (rawValues === undefined) continue;
    if (!isReviewGroup(key)) {
      issues.push({ group: key, message: `Unknown tag group "${key}".` });
      continue;
    }
    const values = [...new Set(rawValues.map((value) => value.replace(/\s+/g, " ").trim()))];
    const tooLong = values.find((value) => value.length > MAX_LABEL_LENGTH);
    if (values.some((value) => value === "")) {
      issues.push({ group: key, message: "Values must not be empty." });
    } else if (tooLong !== undefined) {
      issues.push({ group: key, message: `"${tooLong.slice(0, 20)}..." has ${tooLong.length} characters; the maximum is ${MAX_LABEL_LENGTH}.` });
    } else if (isColumnGroup(key) && values.length !== 1) {
      issues.push({ group: key, message: `${key} takes exactly one value, but the request has ${values.length}; send one.` });
    } else if (values.length > MAX_GROUP_VALUES) {
      issues.push({ group: key, message: `Send at most ${MAX_GROUP_VALUES} values for ${key}, not ${values.length}.` });
    } else {
      groups.push([key, values]);
    }
  }
  return { groups, issues };
}

/** AttributeGroup ids by key; missing groups, "category" included, are created on first use. */
async function loadGroupIds(database: Database, keys: readonly ReviewGroupKey[]): Promise<Map<ReviewGroupKey, number>> {
  const ids = new Map<ReviewGroupKey, number>(await ensureAttributeGroups(database.prisma));
  if (keys.includes(CATEGORY_GROUP)) {
    const group = await database.prisma.attributeGroup.upsert({
      where: { key: CATEGORY_GROUP },
      create: { key: CATEGORY_GROUP, kind: "single", position: CATEGORY_GROUP_POSITION },
      update: {},
      select: { id: true },
    });
    ids.set(CATEGORY_GROUP, group.id);
  }
  return ids;
}

/**
 * Multi-label groups accept only values that already exist in the group's
 * vocabulary (the attribute list the title miner and the model use), so a
 * typo cannot create a facet value of its own. Single-valued groups accept
 * any value, like a catalogue column.
 */
async function checkVocabulary(
  database: Database,
  groups: readonly [ReviewGroupKey, string[]][],
  groupIds: ReadonlyMap<ReviewGroupKey, number>,
): Promise<CorrectionIssue[]> {
  const issues: CorrectionIssue[] = [];
  for (const [key, values] of groups) {
    if (isColumnGroup(key) || values.length === 0) continue;
    const known = await database.prisma.attribute.findMany({
      where: { groupId: groupIds.get(key) as number, value: { in: values } },
      select: { value: true },
    });
    const knownValues = new Set(known.map((row) => row.value));
    const unknown = values.filter((value) => !knownValues.has(value));
    if (unknown.length > 0) {
      issues.push({ group: key, message: `Unknown ${key} value${unknown.length === 1 ? "" : "s"}: ${unknown.map((value) => `"${value}"`).join(", ")}.` });
    }
  }
  return issues;
}

/** Replaces the product's merchant rows of one group with verified rows for `values`. */
async function replaceVerifiedValues(tx: Tx, productId: number, groupId: number, values: readonly string[]): Promise<void> {
  await tx.productAttribute.deleteMany({ where: { productId, source: "merchant", attribute: { groupId } } });
  if (values.length === 0) return;

  const attributeIds: number[] = [];
  for (const value of values) {
    const attribute = await tx.attribute.upsert({
      where: { groupId_value: { groupId, value } },
      create: { groupId, value },
      update: {},
      select: { id: true },
    });
    attributeIds.push(attribute.id);
  }
  await tx.productAttribute.createMany({
    data: attributeIds.map((attributeId) => ({ productId, attributeId, source: "merchant", verified: true })),
  });
}
