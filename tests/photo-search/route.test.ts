/** POST /api/search/photo input checks and the answer while the vision worker is down. */
import net from "node:net";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { handlePhotoSearch } from "@/lib/photo-search/http";
import { MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS } from "@/lib/photo-search/upload";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/databases";

let database: TestDatabase;
let closedPort: number;

async function search(image: Blob | null, extra: Record<string, string> = {}) {
  const form = new FormData();
  if (image) form.set("image", image, "photo.jpg");
  for (const [name, value] of Object.entries(extra)) form.set(name, value);
  const response = await handlePhotoSearch(new Request("http://127.0.0.1/api/search/photo", { method: "POST", body: form }), () => database);
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}

/** A port that nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("photo search route", () => {
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    closedPort = await freePort();
    process.env.STYLELENS_WORKER_PORT = String(closedPort);
  });

  afterAll(async () => {
    delete process.env.STYLELENS_WORKER_PORT;
    await database?.drop();
  });

  it("rejects a request without an image", async () => {
    const { status, body } = await search(null);
    expect(status).toBe(400);
    expect(body.error?.message).toMatch(/Missing field "image"/);
  });

  it("rejects an empty image", async () => {
    const { status, body } = await search(new Blob([]));
    expect(status).toBe(400);
    expect(body.error?.message).toMatch(/empty/);
  });

  it("rejects a file that is not an image", async () => {
    const { status, body } = await search(new Blob(["%PDF-1.7 not a photo"], { type: "image/jpeg" }));
    expect(status).toBe(415);
    expect(body.error?.message).toMatch(/not an image/);
  });

  it("rejects an image over the byte limit", async () => {
    const { status, body } = await search(new Blob([new Uint8Array(MAX_PHOTO_BYTES + 1)]));
    expect(status).toBe(413);
    expect(body.error?.message).toMatch(/photos of up to \d+ bytes are accepted/);
  });

  it("rejects an image over the pixel limit", async () => {
    // A small PNG file whose header declares more pixels than the limit.
    const side = Math.ceil(Math.sqrt(MAX_PHOTO_PIXELS)) + 10;
    const png = await sharp({ create: { width: side, height: side, channels: 3, background: "#fff" } }).png({ compressionLevel: 9 }).toBuffer();
    const { status, body } = await search(new Blob([new Uint8Array(png)]));
    expect(status).toBe(413);
    expect(body.error?.message).toMatch(/megapixels/);
  }, 60_000);

  it("rejects an invalid k", async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } }).jpeg().toBuffer();
    const { status } = await search(new Blob([new Uint8Array(jpeg)]), { k: "0" });
    expect(status).toBe(400);
  });

  it("answers 503 while the worker is down", async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } }).jpeg().toBuffer();
    const { status, body } = await search(new Blob([new Uint8Array(jpeg)]));
    expect(status).toBe(503);
    expect(body.error?.message).toMatch(/unavailable while the vision worker is down/);
  });
});
