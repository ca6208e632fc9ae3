/**
 * Writes the plans of one chunk of rows in a single transaction: products,
 * their first image, their title attributes, search documents, the catalogue
 * revision, the row outcomes and the batch counters. A failure rolls the whole
 * chunk back, so no product is ever half written.
 */
import type { Database } from "../db/client";
import type { Prisma } from "../generated/sqlite/client";
import { syncSearchDocuments } from "../search/text-index";
import type { AttributeIds } from "./attribute-ids";
import type { ImageChange, RowPlan } from "./import-plan";
import type { RowOutcome } from "./import-report";
import { bumpCatalogueRevision } from "./revision";
import type { StoredImage } from "./image-store";
import type { MinedAttribute } from "./title-attributes";

type Tx = Prisma.TransactionClient;

/**
 * Maximum run time of a chunk's transaction. Prisma's interactive-transaction
 * default (5 s) can expire on a slow disk or a loaded machine, and a rolled
 * back chunk costs more than the wait.
 */
export const CHUNK_TRANSACTION_TIMEOUT_MS = 120_000;
/** Maximum wait for the database connection before a chunk's transaction starts. */
const TRANSACTION_MAX_WAIT_MS = 30_000;

/** Writes one chunk and returns its row outcomes in plan order. */
export async function writeChunk(
  database: Database,
  batchId: number,
  merchantId: number,
  plans: readonly RowPlan[],
  attributeIds: AttributeIds,
): Promise<RowOutcome[]> {
  await attributeIds.ensure(
    plans.flatMap((plan) => (plan.action === "create" || plan.action === "update" ? (plan.attributes ?? []) : [])),
  );

  return database.prisma.$transaction(
    async (tx) => {
      const createdIds = await createProducts(tx, merchantId, plans, attributeIds);
      const updatedIds = await updateProducts(tx, plans, attributeIds);

      const changedIds = [...createdIds.values(), ...updatedIds];
      if (changedIds.length > 0) {
        await syncSearchDocuments(tx, database.provider, changedIds);
        await bumpCatalogueRevision(tx);
      }

      const outcomes = plans.map((plan) => toOutcome(plan, createdIds));
      await tx.importRowOutcome.createMany({ data: outcomes.map((outcome) => ({ batchId, ...outcome })) });
      await tx.importBatch.update({
        where: { id: batchId },
        data: {
          imported: { increment: countOutcomes(outcomes, "imported") },
          updated: { increment: countOutcomes(outcomes, "updated") },
          unchanged: { increment: countOutcomes(outcomes, "unchanged") },
          skipped: { increment: countOutcomes(outcomes, "skipped") },
        },
      });
      return outcomes;
    },
    { timeout: CHUNK_TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_MAX_WAIT_MS },
  );
}

/** Creates the products of "create" plans with their image and title attributes; returns SKU -> new id. */
async function createProducts(
  tx: Tx,
  merchantId: number,
  plans: readonly RowPlan[],
  attributeIds: AttributeIds,
): Promise<Map<string, number>> {
  const creates = plans.filter((plan) => plan.action === "create");
  if (creates.length === 0) return new Map();

  const created = await tx.product.createManyAndReturn({
    data: creates.map((plan) => ({ merchantId, sku: plan.sku, status: "published", ...plan.fields })),
    select: { id: true, sku: true },
  });
  const ids = new Map(created.map((product) => [product.sku, product.id]));

  await tx.productImage.createMany({
    data: creates.map((plan) => ({ productId: ids.get(plan.sku) as number, position: 0, ...imageColumns(plan.image) })),
  });
  await tx.productAttribute.createMany({
    data: creates.flatMap((plan) => titleAttributeRows(ids.get(plan.sku) as number, plan.attributes, attributeIds)),
  });
  return ids;
}

/** Applies "update" plans; returns the ids of the updated products. */
async function updateProducts(tx: Tx, plans: readonly RowPlan[], attributeIds: AttributeIds): Promise<number[]> {
  const updated: number[] = [];
  for (const plan of plans) {
    if (plan.action !== "update") continue;
    const { productId } = plan;

    if (plan.fields) await tx.product.update({ where: { id: productId }, data: plan.fields });
    if (plan.image) await replaceImage(tx, productId, plan.image, plan.previousImageId);
    if (plan.attributes) {
      await tx.productAttribute.deleteMany({ where: { productId, source: "title" } });
      await tx.productAttribute.createMany({ data: titleAttributeRows(productId, plan.attributes, attributeIds) });
    }
    updated.push(productId);
  }
  return updated;
}

/**
 * Points position 0 at the new image. A new picture is "pending" for the
 * vision worker, and the embeddings and predictions of the old picture are
 * deleted because they describe other pixels.
 */
async function replaceImage(tx: Tx, productId: number, change: ImageChange, previousImageId: number | null): Promise<void> {
  const columns = imageColumns(change.stored);
  if (!change.contentChanged) {
    // Same picture under new keys: the tags and embeddings still apply, so the status stays.
    const { contentHash, byteSize, width, height, format, storageKey, thumbnailKey } = columns;
    await tx.productImage.update({
      where: { productId_position: { productId, position: 0 } },
      data: { contentHash, byteSize, width, height, format, storageKey, thumbnailKey },
    });
    return;
  }

  if (previousImageId !== null) {
    await tx.embedding.deleteMany({ where: { imageId: previousImageId } });
    await tx.prediction.deleteMany({ where: { imageId: previousImageId } });
  }
  await tx.productImage.upsert({
    where: { productId_position: { productId, position: 0 } },
    create: { productId, position: 0, ...columns },
    update: { ...columns, error: null },
  });
}

function imageColumns(image: StoredImage) {
  return {
    contentHash: image.contentHash,
    byteSize: image.byteSize,
    width: image.width,
    height: image.height,
    format: image.format,
    storageKey: image.storageKey,
    thumbnailKey: image.thumbnailKey,
    status: "pending",
  };
}

function titleAttributeRows(productId: number, attributes: readonly MinedAttribute[], attributeIds: AttributeIds) {
  return attributes.map((attribute) => ({
    productId,
    attributeId: attributeIds.get(attribute.group, attribute.value),
    source: "title",
  }));
}

function toOutcome(plan: RowPlan, createdIds: ReadonlyMap<string, number>): RowOutcome {
  const notes = (extra: string[]) => [...extra, ...plan.notes].join("; ") || null;
  switch (plan.action) {
    case "skip":
      return { rowNumber: plan.rowNumber, sku: plan.sku, productId: plan.productId, outcome: "skipped", reason: plan.reason };
    case "keep":
      return { rowNumber: plan.rowNumber, sku: plan.sku, productId: plan.productId, outcome: "unchanged", reason: notes([]) };
    case "create":
      return {
        rowNumber: plan.rowNumber,
        sku: plan.sku,
        productId: createdIds.get(plan.sku) ?? null,
        outcome: "imported",
        reason: notes([]),
      };
    case "update":
      return {
        rowNumber: plan.rowNumber,
        sku: plan.sku,
        productId: plan.productId,
        outcome: "updated",
        reason: notes(plan.changes.length > 0 ? [`changed: ${plan.changes.join(", ")}`] : []),
      };
  }
}

function countOutcomes(outcomes: readonly RowOutcome[], outcome: RowOutcome["outcome"]): number {
  return outcomes.filter((item) => item.outcome === outcome).length;
}
