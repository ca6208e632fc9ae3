import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { ImageRejectedError, inspectImage, THUMBNAIL_MAX_SIDE } from "./image-processing";
import { hashImage, isStoreKey, mediaUrl, storeImage, storePath, STORE_KEY_PATTERN } from "./image-store";

let storeDir: string;

beforeEach(() => {
  storeDir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-store-"));
});
afterEach(() => {
  fs.rmSync(storeDir, { recursive: true, force: true });
});

async function thumbnailOf(key: string) {
  const file = path.join(storeDir, key);
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const metadata = await sharp(file).metadata();
  const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  return { metadata, info, pixel };
}

function isNear(actual: number[], expected: number[], tolerance = 40): boolean {
  return actual.every((value, index) => Math.abs(value - (expected[index] as number)) <= tolerance);
}

describe("storeImage", () => {
  it("stores the original bytes and a thumbnail under the content hash", async () => {
    const bytes = await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#336699" } }).jpeg().toBuffer();

    const stored = await storeImage(bytes, { storeDir });

    const hash = hashImage(bytes);
    expect(stored).toMatchObject({
      contentHash: hash,
      byteSize: bytes.length,
      width: 1200,
      height: 800,
      format: "jpeg",
      storageKey: `originals/${hash.slice(0, 2)}/${hash}.jpg`,
      thumbnailKey: `thumbs/${hash.slice(0, 2)}/${hash}.webp`,
      written: true,
    });
    expect(fs.readFileSync(path.join(storeDir, stored.storageKey)).equals(bytes)).toBe(true);
    const thumbnail = await thumbnailOf(stored.thumbnailKey);
    expect(thumbnail.metadata.format).toBe("webp");
    expect([thumbnail.info.width, thumbnail.info.height]).toEqual([THUMBNAIL_MAX_SIDE, 267]);
    expect(fs.readdirSync(path.dirname(path.join(storeDir, stored.thumbnailKey)))).toEqual([`${hash}.webp`]);
  });

  it("writes nothing for a hash already stored", async () => {
    const bytes = await sharp({ create: { width: 50, height: 50, channels: 3, background: "#aa0000" } }).png().toBuffer();
    const first = await storeImage(bytes, { storeDir });
    const thumbnailFile = path.join(storeDir, first.thumbnailKey);
    const past = new Date("2020-01-01T00:00:00Z");
    fs.utimesSync(thumbnailFile, past, past);

    const second = await storeImage(bytes, { storeDir });

    expect(second.written).toBe(false);
    expect(second.thumbnailKey).toBe(first.thumbnailKey);
    expect(fs.statSync(thumbnailFile).mtime.toISOString()).toBe(past.toISOString());
  });

  it("applies the EXIF orientation", async () => {
    // A landscape 300x200 picture with a red top-left corner, tagged
    // "rotate 90 degrees clockwise to display" (orientation 6).
    const red = await sharp({ create: { width: 60, height: 40, channels: 3, background: "#ff0000" } }).png().toBuffer();
    const bytes = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#ffffff" } })
      .composite([{ input: red, left: 0, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const stored = await storeImage(bytes, { storeDir });

    expect([stored.width, stored.height]).toEqual([200, 300]);
    const thumbnail = await thumbnailOf(stored.thumbnailKey);
    expect([thumbnail.info.width, thumbnail.info.height]).toEqual([200, 300]);
    // Rotated clockwise, the red corner is now at the top right.
    expect(isNear(thumbnail.pixel(190, 10), [255, 0, 0])).toBe(true);
    expect(isNear(thumbnail.pixel(10, 10), [255, 255, 255])).toBe(true);
  });

  it("flattens transparency onto white", async () => {
    const bytes = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();

    const stored = await storeImage(bytes, { storeDir });

    const thumbnail = await thumbnailOf(stored.thumbnailKey);
    expect(thumbnail.info.channels).toBe(3);
    expect(isNear(thumbnail.pixel(20, 20), [255, 255, 255], 2)).toBe(true);
  });

  it("converts CMYK and 16-bit images to 8-bit sRGB", async () => {
    const cmyk = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#2080c0" } })
      .toColourspace("cmyk")
      .jpeg()
      .toBuffer();
    const deep = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#2080c0" } })
      .toColourspace("rgb16")
      .png()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");
    expect((await sharp(deep).metadata()).depth).toBe("ushort");

    for (const bytes of [cmyk, deep]) {
      const stored = await storeImage(bytes, { storeDir });
      const thumbnail = await thumbnailOf(stored.thumbnailKey);
      expect(thumbnail.metadata.space).toBe("srgb");
      expect(thumbnail.metadata.depth).toBe("uchar");
      expect(isNear(thumbnail.pixel(20, 15), [0x20, 0x80, 0xc0])).toBe(true);
    }
  });

  it("rejects undecodable, unsupported and oversized images", async () => {
    const tiff = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#000000" } }).tiff().toBuffer();
    const png = await sharp({ create: { width: 100, height: 100, channels: 3, background: "#000000" } }).png().toBuffer();

    await expect(storeImage(Buffer.from("not an image"), { storeDir })).rejects.toThrow(/^not a decodable image/);
    await expect(storeImage(tiff, { storeDir })).rejects.toThrow("unsupported image format tiff");
    await expect(storeImage(png, { storeDir, maxInputPixels: 5_000 })).rejects.toThrow(
      "image is 100x100 (0.01 megapixels); the maximum is 0.01 megapixels",
    );
    await expect(inspectImage(png, { maxInputPixels: 5_000 })).rejects.toBeInstanceOf(ImageRejectedError);
    expect(fs.readdirSync(storeDir)).toEqual([]);
  });

  it("rejects a truncated JPEG without writing files", async () => {
    const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
      .jpeg()
      .toBuffer();
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));

    await expect(storeImage(truncated, { storeDir })).rejects.toBeInstanceOf(ImageRejectedError);
    expect(fs.readdirSync(storeDir)).toEqual([]);
  });
});

describe("store keys", () => {
  const hash = "ab".padEnd(64, "0");

  it("accepts original and thumbnail keys", () => {
    expect(isStoreKey(`originals/ab/${hash}.jpg`)).toBe(true);
    expect(isStoreKey(`thumbs/ab/${hash}.webp`)).toBe(true);
  });

  it.each([
    "../etc/passwd",
    `originals/ab/../../${hash}.jpg`,
    `originals/cd/${hash}.jpg`,
    `originals/ab/${hash.toUpperCase()}.jpg`,
    `originals/ab/${hash}.svg`,
    `originals/ab/${hash}.jpg.tmp`,
    `/originals/ab/${hash}.jpg`,
    `other/ab/${hash}.jpg`,
  ])("rejects %s", (key) => {
    expect(STORE_KEY_PATTERN.test(key)).toBe(false);
    expect(storePath(storeDir, key)).toBeNull();
  });

  it("maps a key to its media URL", () => {
    expect(mediaUrl(`thumbs/ab/${hash}.webp`)).toBe(`/media/thumbs/ab/${hash}.webp`);
  });
});
