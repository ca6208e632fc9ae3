/**
 * On-disk format of a saved vector index: a JSON header plus the hnswlib
 * graph file it names, both in one folder.
 *
 * The graph file gets a fresh name on every save (`<stem>.<generation>.hnsw`)
 * and is complete and fsynced before the header is renamed into place, so the
 * header rename is the commit point. A crash at any moment leaves either the
 * old header with its old graph file or the new header with its new one.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { z } from "zod";

/** Bumped whenever the header fields or their meaning change; other versions are rejected on load. */
export const INDEX_FORMAT_VERSION = 1;

const headerSchema = z.object({
  formatVersion: z.literal(INDEX_FORMAT_VERSION),
  library: z.string(),
  space: z.literal("cosine"),
  modelId: z.string(),
  dimension: z.number().int().positive(),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  capacity: z.number().int().nonnegative(),
  /** Elements in the graph, deleted ones included. */
  elementCount: z.number().int().nonnegative(),
  deletedCount: z.number().int().nonnegative(),
  /** Labels are product ids, stored unchanged, so there is no mapping table. */
  labelKind: z.literal("productId"),
  /** Marked-deleted labels. hnswlib stores the marks in the graph file but offers no way to list them. */
  deletedLabels: z.array(z.number().int().nonnegative()),
  indexFile: z.string(),
  indexBytes: z.number().int().nonnegative(),
  indexSha256: z.string().regex(/^[0-9a-f]{64}$/),
  savedAt: z.string(),
});

export type IndexHeader = z.infer<typeof headerSchema>;

export type IndexMismatchKind =
  | "missing"
  | "truncated"
  | "corrupt"
  | "unsupported-format"
  | "model-mismatch"
  | "dimension-mismatch"
  | "count-mismatch";

/** Reason a saved index cannot be used. The caller should rebuild from the stored embeddings and log `message`. */
export interface IndexMismatch {
  kind: IndexMismatchKind;
  message: string;
}

export interface ExpectedIndex {
  modelId: string;
  dimension: number;
  /**
   * Live (not deleted) labels the index must contain, e.g. the products that
   * have an embedding for `modelId`. Omit it to skip the count check, as
   * openVectorIndex does because it compares the labels themselves.
   */
  count?: number;
}

/**
 * Reads and checks a header against `expected`, then checks the graph file's
 * size and SHA-256 against the header, cheapest checks first. On success the
 * graph file is safe to hand to hnswlib, whose own loader trusts the element
 * count and offsets written in the file.
 */
export async function checkSavedIndex(
  headerPath: string,
  expected: ExpectedIndex,
): Promise<{ ok: true; header: IndexHeader; indexPath: string } | { ok: false; mismatch: IndexMismatch }> {
  const fail = (kind: IndexMismatchKind, message: string) => ({ ok: false as const, mismatch: { kind, message } });

  let text: string;
  try {
    text = await fs.promises.readFile(headerPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return fail("missing", `Index header ${headerPath} does not exist`);
    throw error;
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail("corrupt", `Index header ${headerPath} is not valid JSON`);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== INDEX_FORMAT_VERSION) {
    return fail("unsupported-format", `Index header ${headerPath} has format version ${String(version)}, expected ${INDEX_FORMAT_VERSION}`);
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    return fail("corrupt", `Index header ${headerPath} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  const header = parsed.data;

  if (header.modelId !== expected.modelId) {
    return fail("model-mismatch", `Index ${headerPath} was built with model "${header.modelId}", expected "${expected.modelId}"`);
  }
  if (header.dimension !== expected.dimension) {
    return fail("dimension-mismatch", `Index ${headerPath} has dimension ${header.dimension}, expected ${expected.dimension}`);
  }
  if (header.deletedLabels.length !== header.deletedCount || header.deletedCount > header.elementCount) {
    return fail("corrupt", `Index header ${headerPath} lists ${header.deletedLabels.length} deleted labels but counts ${header.deletedCount}`);
  }
  const liveCount = header.elementCount - header.deletedCount;
  if (expected.count !== undefined && liveCount !== expected.count) {
    return fail("count-mismatch", `Index ${headerPath} contains ${liveCount} products, expected ${expected.count}`);
  }

  // The header names a file in its own folder; a path separator would point elsewhere.
  if (header.indexFile !== path.basename(header.indexFile)) {
    return fail("corrupt", `Index header ${headerPath} names an invalid graph file "${header.indexFile}"`);
  }
  const indexPath = path.join(path.dirname(headerPath), header.indexFile);
  let size: number;
  try {
    size = (await fs.promises.stat(indexPath)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return fail("missing", `Index graph file ${indexPath} does not exist`);
    throw error;
  }
  if (size < header.indexBytes) {
    return fail("truncated", `Index graph file ${indexPath} has ${size} bytes, expected ${header.indexBytes}`);
  }
  if (size > header.indexBytes) {
    return fail("corrupt", `Index graph file ${indexPath} has ${size} bytes, expected ${header.indexBytes}`);
  }
  if ((await sha256File(indexPath)) !== header.indexSha256) {
    return fail("corrupt", `Index graph file ${indexPath} does not match the SHA-256 in its header`);
  }

  return { ok: true, header, indexPath };
}

/** Returns a fresh, unique graph file name for the header at `headerPath`. */
export function newIndexFileName(headerPath: string): string {
  const generation = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  return `${indexStem(headerPath)}.${generation}.hnsw`;
}

/**
 * Finishes a save: fsyncs the graph file written at `${indexPath}.tmp`,
 * renames it to `indexPath`, then writes the header through a temporary file
 * and renames it over `headerPath`, and finally removes graph files of
 * earlier saves.
 */
export async function commitSavedIndex(
  headerPath: string,
  indexPath: string,
  header: Omit<IndexHeader, "indexFile" | "indexBytes" | "indexSha256" | "savedAt">,
): Promise<IndexHeader> {
  const directory = path.dirname(headerPath);
  const temporaryIndexPath = `${indexPath}.tmp`;

  await fsyncFile(temporaryIndexPath);
  const indexBytes = (await fs.promises.stat(temporaryIndexPath)).size;
  const indexSha256 = await sha256File(temporaryIndexPath);
  await fs.promises.rename(temporaryIndexPath, indexPath);

  const complete: IndexHeader = {
    ...header,
    indexFile: path.basename(indexPath),
    indexBytes,
    indexSha256,
    savedAt: new Date().toISOString(),
  };
  const temporaryHeaderPath = `${headerPath}.tmp`;
  await fs.promises.writeFile(temporaryHeaderPath, `${JSON.stringify(complete, null, 2)}\n`);
  await fsyncFile(temporaryHeaderPath);
  await fs.promises.rename(temporaryHeaderPath, headerPath);
  await fsyncFile(directory);

  await removeStaleIndexFiles(headerPath, complete.indexFile);
  return complete;
}

/** Removes graph files (and leftover temporary files) of earlier saves to the same header path. */
async function removeStaleIndexFiles(headerPath: string, keep: string): Promise<void> {
  const pattern = new RegExp(`^${escapeRegExp(indexStem(headerPath))}\\.[0-9a-z]+-[0-9a-f]{8}\\.hnsw(\\.tmp)?$`);
  const entries = await fs.promises.readdir(path.dirname(headerPath));
  for (const entry of entries) {
    if (entry !== keep && pattern.test(entry)) {
      await fs.promises.rm(path.join(path.dirname(headerPath), entry), { force: true });
    }
  }
}

function indexStem(headerPath: string): string {
  return path.basename(headerPath, path.extname(headerPath));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function fsyncFile(filePath: string): Promise<void> {
  const handle = await fs.promises.open(filePath, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function sha256File(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
