/**
 * Checks uploaded or imported image bytes and renders thumbnails with sharp.
 * The format comes from the bytes (sharp's decoder), never from a file name.
 */
import sharp, { type Metadata } from "sharp";

/** Images with more pixels than this are rejected before decoding (sharp's limitInputPixels). */
export const MAX_INPUT_PIXELS = 40_000_000;

/** Image files larger than this are rejected unread; 25 MiB is far above any product photo. */
export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;

/** Maximum width and height of a thumbnail in pixels. Smaller images keep their size. */
export const THUMBNAIL_MAX_SIDE = 400;
export const THUMBNAIL_QUALITY = 80;
export const THUMBNAIL_FORMAT = "webp";

/** Accepted input formats: those every current browser displays. */
export const SUPPORTED_FORMATS = ["jpeg", "png", "webp", "gif", "avif"] as const;
export type SupportedFormat = (typeof SUPPORTED_FORMATS)[number];

/** An image that cannot be stored; the message is the per-image reason shown in import reports. */
export class ImageRejectedError extends Error {
  override name = "ImageRejectedError";
}

export interface ImageInfo {
  format: SupportedFormat;
  /** Width in pixels after applying the EXIF orientation, as the image is displayed. */
  width: number;
  /** Height in pixels after applying the EXIF orientation. */
  height: number;
}

export interface ImageLimits {
  maxInputPixels?: number;
}

/** Reads the header of an image and checks its format and size; throws ImageRejectedError. */
export async function inspectImage(bytes: Buffer, limits: ImageLimits = {}): Promise<ImageInfo> {
  const maxInputPixels = limits.maxInputPixels ?? MAX_INPUT_PIXELS;
  if (bytes.length > MAX_IMAGE_BYTES) throw new ImageRejectedError(tooLargeMessage(bytes.length));

  let metadata: Metadata;
  try {
    // limitInputPixels: false, so that an oversized image gets the clearer message below.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const brand = heifBrand(bytes);
    if (brand !== null && HEIC_BRANDS.has(brand)) {
      throw new ImageRejectedError(
        `unsupported image format HEIC (HEIF brand "${brand}"): the image decoder cannot read it; export the photo as JPEG`,
        { cause: error },
      );
    }
    throw new ImageRejectedError(`not a decodable image (${describeSharpError(error)})`, { cause: error });
  }

  const format = supportedFormat(metadata);
  if (format === null) {
    const name = metadata.format === "heif" ? `heif/${metadata.compression ?? "unknown"}` : metadata.format;
    throw new ImageRejectedError(`unsupported image format ${name}: use ${SUPPORTED_FORMATS.join(", ")}`);
  }

  const pixels = metadata.width * metadata.height;
  if (pixels > maxInputPixels) {
    throw new ImageRejectedError(
      `image is ${metadata.width}x${metadata.height} (${formatMegapixels(pixels)} megapixels); the maximum is ${formatMegapixels(maxInputPixels)} megapixels`,
    );
  }

  return { format, width: metadata.autoOrient.width, height: metadata.autoOrient.height };
}

/**
 * Renders the thumbnail: EXIF orientation applied, at most THUMBNAIL_MAX_SIDE
 * pixels on the long side, transparency flattened onto white, converted to
 * 8-bit sRGB (from CMYK, 16-bit or grey input) and encoded as WebP. Decoding
 * errors, truncated data included, throw ImageRejectedError.
 */
export async function renderThumbnail(bytes: Buffer, limits: ImageLimits = {}): Promise<Buffer> {
  try {
    return await sharp(bytes, { limitInputPixels: limits.maxInputPixels ?? MAX_INPUT_PIXELS, failOn: "error" })
      .rotate()
      .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .webp({ quality: THUMBNAIL_QUALITY })
      .toBuffer();
  } catch (error) {
    throw new ImageRejectedError(`image could not be decoded (${describeSharpError(error)})`, { cause: error });
  }
}

/**
 * Major brands of HEIF files that hold HEVC-coded pictures (HEIC), as phones
 * write them. sharp's prebuilt libvips decodes AV1 (AVIF) but not HEVC, so
 * such files often fail before sharp can name their format.
 */
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]);

/** Returns the major brand of an ISO base media file ("ftyp" box first), or null for other bytes. */
function heifBrand(bytes: Buffer): string | null {
  if (bytes.length < 12 || bytes.toString("latin1", 4, 8) !== "ftyp") return null;
  return bytes.toString("latin1", 8, 12);
}

function supportedFormat(metadata: Metadata): SupportedFormat | null {
  // sharp reports AVIF as HEIF compressed with AV1.
  if (metadata.format === "heif") return metadata.compression === "av1" ? "avif" : null;
  return (SUPPORTED_FORMATS as readonly string[]).includes(metadata.format) ? (metadata.format as SupportedFormat) : null;
}

/** Returns the rejection reason for a file of `byteSize` bytes, above MAX_IMAGE_BYTES. */
export function tooLargeMessage(byteSize: number): string {
  const mebibytes = (size: number) => (size / (1024 * 1024)).toFixed(1);
  return `image file is ${mebibytes(byteSize)} MiB; the maximum is ${mebibytes(MAX_IMAGE_BYTES)} MiB`;
}

/** Megapixels with at most two decimals: "48", "0.01". */
function formatMegapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toFixed(2)));
}

/** Returns the first line of a sharp (libvips) error, which names the problem. */
function describeSharpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() || "unknown error";
}
