import type { Logger } from "pino";

import { AttributeIds } from "../catalogue/attribute-ids";
import { ensureAttributeGroups } from "../catalogue/catalogue-setup";
import { storePath } from "../catalogue/image-store";
import { bumpCatalogueRevision } from "../catalogue/revision";
import type { Database } from "../db/client";
import { completeJob, failJob, heartbeat, JobLeaseLostError, withJobTransaction, type ClaimedJob, type TagImagePayload } from "../jobs";
import { encodeVector, type VectorIndex } from "../vector-index";
import type { FusionModel } from "../vision/fusion-model";
import type { EmbedderPool, ImageEmbedding } from "./embedder-pool";
import { predictImages, type ImagePrediction } from "./predict";

export interface TaggingContext {
  database: Database;
  workerId: string;
  pool: EmbedderPool;
  model: FusionModel;
  /**
   * The worker's index. Only the tagging loop writes to it: this module's
   * adds, and the syncs with the catalogue between batches (index-sync.ts).
   */
  index: VectorIndex;
  imageStoreDir: string;
  /** Lease length in ms; heartbeats go out every third of it while a batch runs. */
  leaseMs: number;
  logger: Logger;
}

export interface BatchOutcome {
  tagged: number;
  failed: number;
  /** Jobs completed without work: the image was deleted or changed since the job was queued. */
  skipped: number;
  /** Jobs whose lease another worker took over; their results were not written. */
  lost: number;
}

interface ImageRow {
  id: number;
  productId: number;
  position: number;
  contentHash: string;
  storageKey: string;
  product: { status: string };
}

/**
 * Tags the images of claimed "tag-image" jobs: embeds them on the pool,
 * predicts category and attributes, then writes each image's results in the
 * transaction that completes its job, and adds main photos to the index.
 * Running a job twice rewrites the same rows (upserts on image and model, and
 * the product's model attributes are replaced), so nothing is duplicated.
 */
export async function tagBatch(context: TaggingContext, jobs: readonly ClaimedJob[]): Promise<BatchOutcome> {
  const { database, workerId, logger } = context;
  const db = database.prisma;
  const outcome: BatchOutcome = { tagged: 0, failed: 0, skipped: 0, lost: 0 };
  if (jobs.length === 0) return outcome;

  const heartbeatTimer = setInterval(() => {
    heartbeat(db, workerId, jobs.map((job) => job.id), context.leaseMs).catch((error: unknown) =>
      logger.warn({ err: error, jobs: jobs.map((job) => job.id) }, "Heartbeat failed"),
    );
  }, Math.max(1_000, Math.floor(context.leaseMs / 3)));

  try {
    const imageIds = jobs.map((job) => payloadOf(job)?.imageId).filter((id): id is number => id !== undefined);
    const rows = await db.productImage.findMany({
      where: { id: { in: imageIds } },
      select: { id: true, productId: true, position: true, contentHash: true, storageKey: true, product: { select: { status: true } } },
    });
    const imagesById = new Map(rows.map((row) => [row.id, row]));

    const runnable: { job: ClaimedJob; image: ImageRow; path: string }[] = [];
    for (const job of jobs) {
      const payload = payloadOf(job);
      if (!payload) {
        logger.error({ jobId: job.id, payload: job.payload }, "Invalid tag-image payload; the job is marked failed");
        await failJob(db, workerId, job.id, new Error(`Invalid tag-image payload: expected { imageId, contentHash }, got ${JSON.stringify(job.payload)}`), { permanent: true });
        outcome.failed++;
        continue;
      }
      const image = imagesById.get(payload.imageId);
      if (!image || image.contentHash !== payload.contentHash) {
        // A changed image has a job of its own for the new content.
        await completeJob(db, workerId, job.id);
        outcome.skipped++;
        continue;
      }
      const filePath = storePath(context.imageStoreDir, image.storageKey);
      if (!filePath) {
        logger.error({ jobId: job.id, imageId: image.id, storageKey: image.storageKey }, "Invalid storage key; the job is marked failed");
        await failJob(db, workerId, job.id, new Error(`Image ${image.id} has an invalid storage key "${image.storageKey}"`), { permanent: true });
        outcome.failed++;
        continue;
      }
      runnable.push({ job, image, path: filePath });
    }
    if (runnable.length === 0) return outcome;

    const embedded = await context.pool.embed(runnable.map((item) => item.path), "batch");
    const successes: { job: ClaimedJob; image: ImageRow; embedding: ImageEmbedding }[] = [];
    for (const [slot, item] of runnable.entries()) {
      const result = embedded.results[slot]!;
      if ("error" in result) {
        // sharp could not decode the stored file; another attempt reads the same bytes.
        await failJob(db, workerId, item.job.id, new Error(`Image ${item.image.id} could not be decoded: ${result.error}`), { permanent: true });
        logger.warn({ imageId: item.image.id, jobId: item.job.id, err: result.error }, "Image failed to decode");
        outcome.failed++;
        continue;
      }
      successes.push({ job: item.job, image: item.image, embedding: result });
    }

    const predictions = await predictImages(
      context.model,
      successes.map((success) => success.embedding),
    );
    const attributeIds = await prepareAttributeIds(database, predictions);

    for (const [slot, success] of successes.entries()) {
      const written = await writeResults(context, success, predictions[slot]!, attributeIds);
      outcome[written]++;
    }
    return outcome;
  } finally {
    clearInterval(heartbeatTimer);
  }
}

async function writeResults(
  context: TaggingContext,
  item: { job: ClaimedJob; image: ImageRow; embedding: ImageEmbedding },
  prediction: ImagePrediction,
  attributeIds: AttributeIds,
): Promise<"tagged" | "failed" | "lost"> {
  const { database, workerId, logger, model } = context;
  const db = database.prisma;
  const { image, job } = item;
  const modelId = model.modelId;

  // The main photo is the lowest-position image with an embedding, the same
  // rule as storedProductVectors, so a rebuilt index matches the live one.
  const earlier = await db.productImage.count({
    where: { productId: image.productId, position: { lt: image.position }, embeddings: { some: { modelId } } },
  });
  const isMainPhoto = earlier === 0;

  try {
    await withJobTransaction(db, workerId, job.id, async (tx) => {
      const vector = encodeVector(item.embedding.embedding);
      await tx.embedding.upsert({
        where: { imageId_modelId: { imageId: image.id, modelId } },
        create: { imageId: image.id, modelId, dimension: item.embedding.embedding.length, vector },
        update: { dimension: item.embedding.embedding.length, vector },
      });
      const categoryTopK = JSON.stringify(prediction.categoryTopK);
      const attributeScores = encodeVector(prediction.attributeScores);
      await tx.prediction.upsert({
        where: { imageId_modelId: { imageId: image.id, modelId } },
        create: { imageId: image.id, modelId, categoryTopK, attributeScores },
        update: { categoryTopK, attributeScores },
      });
      if (isMainPhoto) {
        await tx.productAttribute.deleteMany({ where: { productId: image.productId, source: "model" } });
        if (prediction.attributes.length > 0) {
          await tx.productAttribute.createMany({
            data: prediction.attributes.map((attribute) => ({
              productId: image.productId,
              attributeId: attributeIds.get(attribute.group, attribute.value),
              source: "model",
              score: attribute.score,
            })),
          });
        }
        await bumpCatalogueRevision(tx);
      }
      await tx.productImage.update({ where: { id: image.id }, data: { status: "tagged", error: null } });
    });
  } catch (error) {
    if (error instanceof JobLeaseLostError) {
      logger.warn({ jobId: job.id, imageId: image.id }, "Lease lost before commit; the results of this run were dropped");
      return "lost";
    }
    logger.error({ err: error, jobId: job.id, imageId: image.id }, "Writing tagging results failed");
    await failJob(db, workerId, job.id, error);
    return "failed";
  }

  if (isMainPhoto && image.product.status === "published") {
    await context.index.add(image.productId, item.embedding.embedding);
  }
  return "tagged";
}

/** Creates the Attribute rows that the predictions need, outside the per-image transactions. */
async function prepareAttributeIds(database: Database, predictions: readonly ImagePrediction[]): Promise<AttributeIds> {
  const groupIds = await ensureAttributeGroups(database.prisma);
  const attributeIds = new AttributeIds(database.prisma, groupIds);
  await attributeIds.ensure(predictions.flatMap((prediction) => prediction.attributes));
  return attributeIds;
}

function payloadOf(job: ClaimedJob): TagImagePayload | null {
  const payload = job.payload as Partial<TagImagePayload> | null;
  if (!payload || typeof payload !== "object") return null;
  if (!Number.isInteger(payload.imageId) || typeof payload.contentHash !== "string") return null;
  return { imageId: payload.imageId!, contentHash: payload.contentHash };
}
