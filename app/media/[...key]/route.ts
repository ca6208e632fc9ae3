/**
 * Serves files of the image store: GET /media/<key>, where <key> is an
 * original or thumbnail key such as thumbs/ab/<sha256>.webp. Keys are content
 * hashes, so a response never changes and is cached for a year. Anything that
 * is not a valid key, traversal attempts included, is a 404.
 */
import fs from "node:fs";
import path from "node:path";

import { contentTypeOfKey, storePath } from "@/lib/catalogue/image-store";
import { imageStoreDir } from "@/lib/config";
import { logger } from "@/lib/logger";

export const runtime = "nodejs";

const CACHE_FOREVER = "public, max-age=31536000, immutable";

export async function GET(request: Request, context: { params: Promise<{ key: string[] }> }): Promise<Response> {
  const { key: segments } = await context.params;
  const key = segments.join("/");
  const file = storePath(imageStoreDir(), key);
  if (file === null) return notFound();

  // The folder and hash name one representation: an original and its thumbnail share the hash.
  const etag = `"${key.slice(0, key.indexOf("/"))}-${path.basename(key, path.extname(key))}"`;
  const headers = {
    "Cache-Control": CACHE_FOREVER,
    ETag: etag,
    "Content-Type": contentTypeOfKey(key),
    "X-Content-Type-Options": "nosniff",
  };
  if (request.headers.get("if-none-match") === etag) {
    return new Response(null, { status: 304, headers });
  }

  let data: Buffer;
  try {
    data = await fs.promises.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return notFound();
    logger.error({ err: error, key }, "media: reading a stored image failed");
    return new Response("Internal server error", { status: 500, headers: { "Cache-Control": "no-store" } });
  }

  return new Response(new Uint8Array(data), {
    status: 200,
    headers: { ...headers, "Content-Length": String(data.length) },
  });
}

function notFound(): Response {
  return new Response("Not found", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}
