import sharp from "sharp";

/** Largest accepted photo, in bytes. Phone photos are 2-8 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Largest accepted photo, in pixels (width x height): 50 megapixels. */
export const MAX_PHOTO_PIXELS = 50_000_000;

/** Formats accepted by content, as sharp's metadata names them. */
export const PHOTO_FORMATS = ["jpeg", "png", "webp", "avif", "gif", "heif", "tiff"] as const;

export type PhotoCheck =
  | { ok: true; format: string; width: number; height: number }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

/**
 * Checks an uploaded photo by its content, not its name or declared type:
 * size, decodable header, accepted format and pixel count.
 */
export async function checkPhoto(bytes: Uint8Array): Promise<PhotoCheck> {
  if (bytes.byteLength === 0) {
    return { ok: false, status: 400, code: "missing_image", message: "The image is empty: choose a photo to search with." };
  }
  if (bytes.byteLength > MAX_PHOTO_BYTES) {
    return {
      ok: false,
      status: 413,
      code: "image_too_large",
      message: `The image is ${megabytes(bytes.byteLength)} MB; photos of up to ${megabytes(MAX_PHOTO_BYTES)} MB are accepted.`,
    };
  }

  const metadata = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  if (!metadata) return notAnImage();
  if (!metadata.format || !(PHOTO_FORMATS as readonly string[]).includes(metadata.format) || !metadata.width || !metadata.height) {
    return notAnImage();
  }
  const pixels = metadata.width * metadata.height;
  if (pixels > MAX_PHOTO_PIXELS) {
    return {
      ok: false,
      status: 413,
      code: "image_too_large",
      message: `The image is ${metadata.width} x ${metadata.height} pixels; photos of up to ${MAX_PHOTO_PIXELS / 1_000_000} megapixels are accepted.`,
    };
  }
  return { ok: true, format: metadata.format, width: metadata.width, height: metadata.height };
}

function notAnImage(): PhotoCheck {
  return {
    ok: false,
    status: 415,
    code: "unsupported_image",
    message: `The file is not an image in a supported format (${PHOTO_FORMATS.join(", ")}).`,
  };
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
