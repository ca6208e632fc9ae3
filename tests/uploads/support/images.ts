/** Image files for the bad-input tests, each made by sharp or patched by hand. */
import zlib from "node:zlib";

import sharp from "sharp";

export async function jpeg(colour = "#3366cc", width = 40, height = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).jpeg({ quality: 90 }).toBuffer();
}

/** Renders a semi-transparent red PNG. */
export async function pngWithAlpha(): Promise<Buffer> {
  return sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.2 } } })
    .png()
    .toBuffer();
}

export async function cmykJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 20, height: 20, channels: 3, background: "#00aa55" } })
    .toColourspace("cmyk")
    .jpeg()
    .toBuffer();
}

export async function png16Bit(): Promise<Buffer> {
  return sharp({ create: { width: 20, height: 20, channels: 3, background: "#884422" } })
    .toColourspace("rgb16")
    .png()
    .toBuffer();
}

/**
 * Renders a 40x20 JPEG, left half black and right half white, tagged with
 * EXIF orientation 6 (display rotated 90° clockwise). Upright it is 20x40
 * with black on top.
 */
export async function exifRotatedJpeg(): Promise<Buffer> {
  const half = (colour: string) => sharp({ create: { width: 20, height: 20, channels: 3, background: colour } }).png().toBuffer();
  const pixels = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#ffffff" } })
    .composite([{ input: await half("#000000"), left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .toBuffer();
  return sharp(pixels).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
}

/**
 * Returns the first 60% of a noisy JPEG: the header parses, but the entropy-coded
 * pixel data ends early, as in an upload cut off in transit. Noise keeps the scan
 * data long, so the cut never lands inside the header tables.
 */
export async function truncatedJpeg(): Promise<Buffer> {
  const side = 128;
  const pixels = Buffer.alloc(side * side * 3);
  let state = 7;
  for (let i = 0; i < pixels.length; i += 1) {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    pixels[i] = (state >> 16) & 0xff;
  }
  const whole = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

export async function tiff(): Promise<Buffer> {
  return sharp({ create: { width: 10, height: 10, channels: 3, background: "#abcdef" } }).tiff().toBuffer();
}

/**
 * Returns the start of an HEIC file (an ISO-BMFF "ftyp" box with brand
 * "heic") without a decodable picture. It stands for a phone photo on a server
 * without an HEVC decoder.
 */
export function heicHeader(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write("ftypheic", 4, "latin1");
  ftyp.writeUInt32BE(0, 12);
  ftyp.write("mif1heic", 16, "latin1");
  return Buffer.concat([ftyp, Buffer.alloc(64)]);
}

/**
 * Renders a tiny PNG whose header declares width x height pixels: a
 * decompression bomb's header, without the bomb. The IHDR checksum is
 * recomputed so the header stays valid.
 */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000000" } }).png().toBuffer());
  // Signature (8 bytes), IHDR length (4) and type (4), then width and height.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
  return png;
}
