import type { Database } from "../db/client";
import { countProductVectors } from "../vector-index/stored-vectors";
import { servedModelId } from "./config";
import { readWorkerHealth } from "./client";

export interface TaggingStatus {
  /** Published products. */
  products: number;
  /** All product images. */
  images: number;
  imagesTagged: number;
  /** Products in the worker's index; while the worker is down, the products with a stored embedding. */
  indexed: number;
  /** Images whose tagging failed for good. */
  failed: number;
  /** Images waiting for tagging ("pending" or "processing"). */
  pending: number;
  worker: { up: boolean; modelId: string | null; backend: string | null };
}

/** Reads the tagging counts from the database and asks the worker whether it is up. */
export async function readTaggingStatus(database: Database): Promise<TaggingStatus> {
  const [products, groups, worker] = await Promise.all([
    database.prisma.product.count({ where: { status: "published" } }),
    database.prisma.productImage.groupBy({ by: ["status"], _count: { _all: true } }),
    readWorkerHealth(),
  ]);
  const count = (...statuses: string[]) =>
    groups.filter((group) => statuses.includes(group.status)).reduce((sum, group) => sum + group._count._all, 0);
  const modelId = worker?.modelId ?? servedModelId();
  const indexed = worker ? worker.indexed : await countProductVectors(database.prisma, modelId);

  return {
    products,
    images: groups.reduce((sum, group) => sum + group._count._all, 0),
    imagesTagged: count("tagged"),
    indexed,
    failed: count("failed"),
    pending: count("pending", "processing"),
    worker: { up: worker !== null, modelId: worker?.modelId ?? null, backend: worker?.backend ?? null },
  };
}
