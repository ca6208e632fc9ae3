import fs from "node:fs";
import path from "node:path";

import sharp from "sharp";
import { describe, expect, it } from "vitest";

import {
  COLOUR_FEATURE_DIMENSION,
  FOREGROUND_FRACTION_INDEX,
  backgroundMask,
  colourBin,
  colourFeatures,
  dominantColours,
  srgbToLab,
} from "./colour-features";
import { augmentationFor, preprocessImage } from "./preprocess";

function pixelAt(pixels: Uint8Array, size: number, x: number, y: number): number[] {
  const offset = (y * size + x) * 3;
  return Array.from(pixels.slice(offset, offset + 3));
}

/** 40x20 RGB: left half red, right half blue. */
function redBlueHalves(): Buffer {
  const data = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 40; x++) data[(y * 40 + x) * 3 + (x < 20 ? 0 : 2)] = 255;
  }
  return data;
}

describe("preprocessImage", () => {
  it("applies EXIF orientation", async () => {
    // Orientation 6 means "rotate 90 degrees clockwise to display": the left (red) half ends on top.
    const jpeg = await sharp(redBlueHalves(), { raw: { width: 40, height: 20, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const { pixels, size } = await preprocessImage(jpeg, 8);
    const top = pixelAt(pixels, size, 4, 1);
    const bottom = pixelAt(pixels, size, 4, 6);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(50);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(50);
  });

  it("flattens alpha onto white", async () => {
    const transparent = await sharp({ create: { width: 16, height: 16, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([
        {
          input: await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } })
            .png()
            .toBuffer(),
          left: 4,
          top: 4,
        },
      ])
      .png()
      .toBuffer();
    expect((await sharp(transparent).metadata()).hasAlpha).toBe(true);

    const { pixels, size } = await preprocessImage(transparent, 16);
    expect(pixels.length).toBe(16 * 16 * 3);
    expect(pixelAt(pixels, size, 0, 0)).toEqual([255, 255, 255]);
    expect(pixelAt(pixels, size, 8, 8)).toEqual([255, 0, 0]);
  });

  it("converts CMYK to sRGB", async () => {
    const cmyk = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 30, b: 40 } } })
      .toColourspace("cmyk")
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");

    const { pixels } = await preprocessImage(cmyk, 8);
    expect(pixels.length).toBe(8 * 8 * 3);
    const [r, g, b] = pixelAt(pixels, 8, 4, 4);
    // The CMYK round trip through the ICC profiles shifts the colour a little.
    expect(r).toBeGreaterThan(170);
    expect(g).toBeLessThan(60);
    expect(b).toBeLessThan(70);
  });

  it("converts 16-bit to 8-bit", async () => {
    const png16 = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 10, g: 120, b: 240 } } })
      .toColourspace("rgb16")
      .png()
      .toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe("ushort");

    const { pixels } = await preprocessImage(png16, 8);
    expect(pixels.length).toBe(8 * 8 * 3);
    expect(pixelAt(pixels, 8, 3, 3)).toEqual([10, 120, 240]);
  });

  it("stretches non-square photos", async () => {
    // 30x10: red left third, green middle, blue right third. Stretching keeps all three across the width.
    const data = Buffer.alloc(30 * 10 * 3);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 30; x++) data[(y * 30 + x) * 3 + Math.floor(x / 10)] = 255;
    const png = await sharp(data, { raw: { width: 30, height: 10, channels: 3 } }).png().toBuffer();
    const { pixels } = await preprocessImage(png, 9);
    expect(pixelAt(pixels, 9, 1, 0)[0]).toBeGreaterThan(200);
    expect(pixelAt(pixels, 9, 4, 8)[1]).toBeGreaterThan(200);
    expect(pixelAt(pixels, 9, 7, 4)[2]).toBeGreaterThan(200);
  });

  it("zooms out with a white margin", async () => {
    const red = await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
    const { pixels } = await preprocessImage(red, 20, { scale: 0.5, brightness: 1, saturation: 1, flip: false });
    expect(pixelAt(pixels, 20, 0, 0)).toEqual([255, 255, 255]);
    expect(pixelAt(pixels, 20, 10, 10)).toEqual([255, 0, 0]);
  });

  it("flips horizontally", async () => {
    const png = await sharp(redBlueHalves(), { raw: { width: 40, height: 20, channels: 3 } }).png().toBuffer();
    const { pixels } = await preprocessImage(png, 8, { scale: 1, brightness: 1, saturation: 1, flip: true });
    expect(pixelAt(pixels, 8, 0, 4)[2]).toBe(255);
    expect(pixelAt(pixels, 8, 7, 4)[0]).toBe(255);
  });

  it("rejects an invalid size", async () => {
    await expect(preprocessImage(Buffer.from([1, 2, 3]), 0)).rejects.toThrow(/Invalid input size 0/);
  });

  it("rejects a truncated photo on request", async () => {
    const photo = fs.readFileSync(path.resolve("..", "shared", "datasets", "fashion-products", "near-duplicates", "queries", "10017.jpg"));
    const truncated = photo.subarray(0, 3000);

    await expect(preprocessImage(truncated, 8, undefined, { rejectTruncated: true })).rejects.toThrow(/premature end/i);
    const lenient = await preprocessImage(truncated, 8);
    expect(lenient.pixels).toHaveLength(8 * 8 * 3);
  });
});

describe("augmentationFor", () => {
  it("is deterministic per key", () => {
    expect(augmentationFor("1563/aug-1")).toEqual(augmentationFor("1563/aug-1"));
    expect(augmentationFor("1563/aug-1")).not.toEqual(augmentationFor("1563/aug-2"));
  });

  it("stays inside the ranges", () => {
    for (let i = 0; i < 200; i++) {
      const augmentation = augmentationFor(`${i}/aug-1`);
      expect(augmentation.scale).toBeGreaterThanOrEqual(0.85);
      expect(augmentation.scale).toBeLessThanOrEqual(1.15);
      expect(augmentation.brightness).toBeGreaterThanOrEqual(0.85);
      expect(augmentation.saturation).toBeLessThanOrEqual(1.2);
    }
  });
});

describe("colourFeatures", () => {
  /** 10x10 white image with a 4x4 square of `inner` in the middle and a white 2x2 hole inside it. */
  function squareOnWhite(inner: [number, number, number]): Uint8Array {
    const pixels = new Uint8Array(10 * 10 * 3).fill(255);
    for (let y = 3; y < 7; y++) {
      for (let x = 3; x < 7; x++) {
        const hole = y >= 4 && y < 6 && x >= 4 && x < 6;
        if (!hole) pixels.set(inner, (y * 10 + x) * 3);
      }
    }
    return pixels;
  }

  it("excludes only the border-connected background", () => {
    const mask = backgroundMask(squareOnWhite([0, 0, 200]), 10, 10);
    expect(mask[0]).toBe(1);
    expect(mask[3 * 10 + 3]).toBe(0);
    // The white hole is enclosed by the product, so it counts as product.
    expect(mask[4 * 10 + 4]).toBe(0);
  });

  it("counts product pixels per bin", () => {
    const features = colourFeatures(squareOnWhite([0, 0, 200]), 10, 10);
    expect(features.length).toBe(COLOUR_FEATURE_DIMENSION);
    expect(features[colourBin(0, 0, 200)]).toBeCloseTo(12 / 16);
    expect(features[colourBin(255, 255, 255)]).toBeCloseTo(4 / 16);
    expect(features[FOREGROUND_FRACTION_INDEX]).toBeCloseTo(16 / 100);
    // Grid cells follow the 7 summary values. Cell (1, 1) covers pixels 3..4 in x and y, all product.
    expect(features[FOREGROUND_FRACTION_INDEX + 7 + (1 * 4 + 1) * 4]).toBe(1);
    // Cell (2, 2) covers pixels 5..7: 4 of its 9 pixels are product (the enclosed white pixel included).
    expect(features[FOREGROUND_FRACTION_INDEX + 7 + (2 * 4 + 2) * 4]).toBeCloseTo(4 / 9);
    // Cell (0, 0) covers pixels 0..2 in x and y: background only.
    expect(features[FOREGROUND_FRACTION_INDEX + 7]).toBe(0);
  });

  it("falls back to all pixels for a white image", () => {
    const features = colourFeatures(new Uint8Array(5 * 5 * 3).fill(250), 5, 5);
    expect(features[colourBin(250, 250, 250)]).toBeCloseTo(1);
    expect(features[FOREGROUND_FRACTION_INDEX]).toBe(0);
  });

  it("finds the dominant colours by share", () => {
    // 60 pixels of one Lab colour and 40 of another: two clusters with shares 0.6 and 0.4.
    const sample: [number, number, number][] = [];
    for (let i = 0; i < 60; i++) sample.push([30, 20, -40]);
    for (let i = 0; i < 40; i++) sample.push([80, 0, 0]);
    const clusters = dominantColours(sample);
    expect(clusters[0]!.share).toBeCloseTo(0.6);
    expect(clusters[0]!.centre).toEqual([30, 20, -40]);
    expect(clusters[1]!.share).toBeCloseTo(0.4);
    expect(clusters[1]!.centre).toEqual([80, 0, 0]);
    expect(clusters[2]!.share).toBe(0);
  });

  it("converts sRGB to Lab", () => {
    const lab = [0, 0, 0];
    srgbToLab(255, 255, 255, lab);
    expect(lab[0]).toBeCloseTo(100, 1);
    expect(lab[1]).toBeCloseTo(0, 1);
    expect(lab[2]).toBeCloseTo(0, 1);
    // Pure sRGB red under the CIE 1976 L*a*b* formulas with the D65 white point: L 53.24, a 80.09, b 67.20.
    srgbToLab(255, 0, 0, lab);
    expect(lab[0]).toBeCloseTo(53.24, 0);
    expect(lab[1]).toBeCloseTo(80.09, 0);
    expect(lab[2]).toBeCloseTo(67.2, 0);
  });

  it("puts both sides of red in one hue bin", () => {
    expect(colourBin(255, 0, 10)).toBe(colourBin(255, 10, 0));
    expect(colourBin(255, 0, 0)).not.toBe(colourBin(0, 255, 0));
    expect(colourBin(128, 128, 128)).not.toBe(colourBin(20, 20, 20));
  });
});
