import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET } from "@/app/media/[...key]/route";
import { imageStoreDir } from "@/lib/config";

import { storeImage, type StoredImage } from "./image-store";

let dataDir: string;
let previousDataDir: string | undefined;
let stored: StoredImage;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-media-"));
  previousDataDir = process.env.STYLELENS_DATA_DIR;
  process.env.STYLELENS_DATA_DIR = dataDir;
  const bytes = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#00aa00" } }).jpeg().toBuffer();
  stored = await storeImage(bytes, { storeDir: imageStoreDir() });
  // A file beside the store that a traversal key would reach.
  fs.writeFileSync(path.join(dataDir, "secret.txt"), "secret");
});

afterAll(() => {
  if (previousDataDir === undefined) delete process.env.STYLELENS_DATA_DIR;
  else process.env.STYLELENS_DATA_DIR = previousDataDir;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function request(key: string[], headers: Record<string, string> = {}) {
  return GET(new Request(`http://127.0.0.1/media/${key.join("/")}`, { headers }), { params: Promise.resolve({ key }) });
}

describe("GET /media/[...key]", () => {
  it("serves a thumbnail with immutable caching", async () => {
    const response = await request(stored.thumbnailKey.split("/"));

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(fs.readFileSync(path.join(imageStoreDir(), stored.thumbnailKey)))).toBe(true);
  });

  it("serves the original with its own type", async () => {
    const response = await request(stored.storageKey.split("/"));

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
  });

  it("answers a matching If-None-Match with 304", async () => {
    const first = await request(stored.thumbnailKey.split("/"));
    const etag = first.headers.get("etag") as string;

    const second = await request(stored.thumbnailKey.split("/"), { "If-None-Match": etag });

    expect(second.status).toBe(304);
  });

  it.each([
    [["..", "secret.txt"]],
    [["..", "..", "etc", "passwd"]],
    [["thumbs", "..", "..", "..", "etc", "passwd"]],
    [["thumbs", "ab", "..%2F..%2Fsecret"]],
    [["secret.txt"]],
  ])("rejects the traversal key %j", async (key) => {
    const response = await request(key);

    expect(response.status).toBe(404);
  });

  it("returns 404 for a valid key that is not stored", async () => {
    const hash = "cd".padEnd(64, "1");

    const response = await request(["thumbs", "cd", `${hash}.webp`]);

    expect(response.status).toBe(404);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});
