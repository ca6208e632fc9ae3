/**
 * The manifest of an upload: what the request delivered, under which stored
 * names, and what was already rejected. The upload request writes it once;
 * the background import reads it, because the stored files carry generated
 * names only.
 */
import fs from "node:fs";
import path from "node:path";

import { z } from "zod";

import { MANIFEST_FILE_NAME } from "./paths";

export const MANIFEST_VERSION = 1;

const storedFileSchema = z.object({
  /** The name the merchant gave the file (its path inside a dropped folder, if any). */
  name: z.string(),
  /** Path relative to the upload folder. */
  storedAs: z.string().regex(/^[a-z]+\/[A-Za-z0-9._-]+$|^catalogue\.csv$/),
  bytes: z.number().int().nonnegative(),
});

const zipEntrySchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  declaredBytes: z.number().nonnegative(),
  rejected: z.string().optional(),
});

const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  catalogue: storedFileSchema.extend({ rows: z.number().int().nonnegative() }),
  archives: z.array(storedFileSchema.extend({ entries: z.array(zipEntrySchema) })),
  images: z.array(storedFileSchema),
  rejected: z.array(z.object({ name: z.string(), reason: z.string() })),
});

export type UploadManifest = z.infer<typeof manifestSchema>;
export type StoredFile = z.infer<typeof storedFileSchema>;

export async function writeManifest(folder: string, manifest: UploadManifest): Promise<void> {
  await fs.promises.writeFile(path.join(folder, MANIFEST_FILE_NAME), JSON.stringify(manifest), { flag: "wx" });
}

/** Reads and checks the manifest; throws when it is missing or not in the expected shape. */
export async function readManifest(folder: string): Promise<UploadManifest> {
  const file = path.join(folder, MANIFEST_FILE_NAME);
  const text = await fs.promises.readFile(file, "utf8");
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Upload manifest ${file} is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** How reports name a ZIP entry: its path, then the archive it came from. */
export function entryDisplayName(archiveName: string, entryName: string): string {
  return `${entryName} (in ${archiveName})`;
}
