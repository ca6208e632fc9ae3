import sharp from "sharp";

import { colourFeatures } from "./colour-features";

/**
 * Image preprocessing shared by training, evaluation and the tagging worker.
 *
 * 1. EXIF orientation is applied.
 * 2. The image is converted to 8-bit sRGB (CMYK, greyscale and 16-bit inputs
 *    included) and any alpha channel is flattened onto white.
 * 3. Resize policy: the whole image is resized to inputSize x inputSize
 *    without keeping its aspect ratio (stretch, sharp's fit "fill"). About
 *    80% of the photos in the Kaggle "Fashion Product Images" catalogue are
 *    3:4 shots published stretched to 224x224, so stretching the other
 *    renditions gives every copy of a shot the same geometry, which
 *    near-duplicate search relies on.
 * 4. Optional augmentation (training only): scale, brightness, saturation,
 *    horizontal flip.
 *
 * Bump PREPROCESS_VERSION whenever the output pixels change, because cached
 * embeddings are keyed by it. The colour features computed from the pixels
 * have their own COLOUR_FEATURE_VERSION.
 */
export const PREPROCESS_VERSION = 1;

const WHITE = { r: 255, g: 255, b: 255 };

/** One augmented view. scale < 1 zooms out (white margin), scale > 1 zooms in (centre crop). */
export interface Augmentation {
  scale: number;
  brightness: number;
  saturation: number;
  flip: boolean;
}

export interface PreprocessedImage {
  /** RGB bytes, row-major, inputSize x inputSize x 3. */
  pixels: Uint8Array;
  size: number;
  /** See colourFeatures in ./colour-features. */
  colourFeatures: Float32Array;
}

/** Source images above this pixel count are rejected (sharp's decompression-bomb guard). */
const MAX_INPUT_PIXELS = 100_000_000;

export interface PreprocessOptions {
  /**
   * Rejects images whose data ends early. Off by default, so that a dataset
   * photo with a damaged tail still trains; shoppers' photo queries turn it on.
   */
  rejectTruncated?: boolean;
}

/**
 * Preprocesses one image file or buffer into RGB bytes for a square backbone
 * input plus its colour features. Throws when sharp cannot decode the input.
 */
export async function preprocessImage(
  input: string | Buffer,
  inputSize: number,
  augmentation?: Augmentation,
  options: PreprocessOptions = {},
): Promise<PreprocessedImage> {
  if (!Number.isInteger(inputSize) || inputSize < 1) {
    throw new Error(`Invalid input size ${inputSize}: use a positive whole number of pixels`);
  }

  // Stage 1: decode, orient, convert to 8-bit sRGB, flatten alpha. A separate
  // stage so that flattening happens before any resize or padding.
  const failOn = options.rejectTruncated ? "truncated" : "none";
  const decoded = await sharp(input, { failOn, limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .toColourspace("srgb")
    .flatten({ background: WHITE })
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  const raw = { width: decoded.info.width, height: decoded.info.height, channels: 3 as const };

  // Stage 2: resize (stretch), with the augmentation's zoom.
  const target = augmentation ? Math.max(1, Math.round(inputSize * augmentation.scale)) : inputSize;
  let resized = sharp(decoded.data, { raw }).resize(target, target, { fit: "fill" });
  if (target < inputSize) {
    const before = Math.floor((inputSize - target) / 2);
    const after = inputSize - target - before;
    resized = resized.extend({ top: before, bottom: after, left: before, right: after, background: WHITE });
  } else if (target > inputSize) {
    const offset = Math.floor((target - inputSize) / 2);
    resized = resized.extract({ left: offset, top: offset, width: inputSize, height: inputSize });
  }
  let pixels = await resized.raw({ depth: "uchar" }).toBuffer();

  // Stage 3: photometric augmentation and flip on the final-size image.
  if (augmentation && (augmentation.flip || augmentation.brightness !== 1 || augmentation.saturation !== 1)) {
    let adjusted = sharp(pixels, { raw: { width: inputSize, height: inputSize, channels: 3 } }).modulate({
      brightness: augmentation.brightness,
      saturation: augmentation.saturation,
    });
    if (augmentation.flip) adjusted = adjusted.flop();
    pixels = await adjusted.removeAlpha().raw({ depth: "uchar" }).toBuffer();
  }

  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  if (bytes.length !== inputSize * inputSize * 3) {
    throw new Error(`Preprocessing produced ${bytes.length} bytes, expected ${inputSize * inputSize * 3}`);
  }
  return { pixels: bytes, size: inputSize, colourFeatures: colourFeatures(bytes, inputSize, inputSize) };
}

/** Ranges the training augmentations are drawn from (uniform; flip with probability 1/2). */
export const AUGMENTATION_RANGES = {
  scale: [0.85, 1.15],
  brightness: [0.85, 1.15],
  saturation: [0.8, 1.2],
} as const;

/**
 * Draws an augmentation deterministically from a key (product id and view
 * name), so a resumed or repeated extraction produces the same views.
 */
export function augmentationFor(key: string): Augmentation {
  const random = mulberry32(hashString(key));
  const draw = ([low, high]: readonly [number, number]): number => low + (high - low) * random();
  return {
    scale: draw(AUGMENTATION_RANGES.scale),
    brightness: draw(AUGMENTATION_RANGES.brightness),
    saturation: draw(AUGMENTATION_RANGES.saturation),
    flip: random() < 0.5,
  };
}

/** 32-bit FNV-1a hash of a string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Small seeded PRNG (mulberry32) returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
