/**
 * Colour evidence for the colour head, computed on the product's pixels:
 * an HSV histogram, a joint CIELAB histogram, the three dominant colours and
 * summary statistics (see colourFeatures). Pooled CNN features keep little
 * colour information, so these features are fed to the heads next to the
 * embedding.
 *
 * Background rule: a pixel whose three channels are all at least
 * BACKGROUND_MIN_CHANNEL and which is 4-connected to the image border through
 * such pixels is background (catalogue photos are product shots on white).
 * Near-white pixels inside the product stay, so white garments keep their
 * colour. When the flood fill leaves fewer than MIN_FOREGROUND_FRACTION of the
 * pixels, the whole image is used instead.
 */

export const BACKGROUND_MIN_CHANNEL = 232;
export const MIN_FOREGROUND_FRACTION = 0.01;

const HUE_BINS = 12;
const SATURATION_BINS = 2;
const VALUE_BINS = 3;
const GREY_BINS = 6;
/** Pixels below this HSV saturation or value count as grey levels, not hues. */
const MIN_CHROMA_SATURATION = 0.15;
const MIN_CHROMA_VALUE = 0.12;

const CHROMATIC_BINS = HUE_BINS * SATURATION_BINS * VALUE_BINS;

const HSV_BINS = CHROMATIC_BINS + GREY_BINS;
const LAB_L_BINS = 4;
const LAB_AB_BINS = 6;
/** a* and b* are clipped to +-LAB_AB_RANGE before binning (sRGB colours stay within about +-100). */
const LAB_AB_RANGE = 80;
const LAB_BINS = LAB_L_BINS * LAB_AB_BINS * LAB_AB_BINS;
const DOMINANT_COLOURS = 3;
/** About this many product pixels (every n-th) are sampled for the dominant-colour k-means. */
const KMEANS_SAMPLE = 2000;
const KMEANS_ITERATIONS = 10;

/**
 * Side of the spatial grid. Each cell reports its product-pixel share and
 * mean Lab colour, so the heads can tell the garment's colour from a worn
 * outfit's other parts (skin, hair, other garments) by where they are.
 */
const GRID = 4;

/**
 * Length of the colour feature vector. In order: the HSV histogram, the Lab
 * histogram and the dominant colours as (share, L, a, b) each. Then the
 * foreground fraction, mean L, a, b and their standard deviations. Last,
 * (share, L, a, b) per grid cell in row-major order.
 */
export const COLOUR_FEATURE_DIMENSION = HSV_BINS + LAB_BINS + DOMINANT_COLOURS * 4 + 7 + GRID * GRID * 4;

/** Position of the foreground fraction in the feature vector. */
export const FOREGROUND_FRACTION_INDEX = HSV_BINS + LAB_BINS + DOMINANT_COLOURS * 4;

/** Bump when colourFeatures changes: cached features of another version are recomputed. */
export const COLOUR_FEATURE_VERSION = 4;

/**
 * Marks background pixels of an RGB image (row-major, 3 bytes a pixel) by a
 * flood fill from the border over near-white pixels. Returns 1 for background.
 */
export function backgroundMask(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const count = width * height;
  if (pixels.length !== count * 3) {
    throw new Error(`Invalid RGB buffer: ${pixels.length} bytes for ${width}x${height} (expected ${count * 3})`);
  }
  const mask = new Uint8Array(count);
  const stack = new Int32Array(count);
  let top = 0;

  const isNearWhite = (index: number): boolean =>
    pixels[index * 3]! >= BACKGROUND_MIN_CHANNEL &&
    pixels[index * 3 + 1]! >= BACKGROUND_MIN_CHANNEL &&
    pixels[index * 3 + 2]! >= BACKGROUND_MIN_CHANNEL;

  const seed = (index: number): void => {
    if (mask[index] === 0 && isNearWhite(index)) {
      mask[index] = 1;
      stack[top++] = index;
    }
  };

  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }

  while (top > 0) {
    const index = stack[--top]!;
    const x = index % width;
    const y = (index - x) / width;
    if (x > 0) seed(index - 1);
    if (x < width - 1) seed(index + 1);
    if (y > 0) seed(index - width);
    if (y < height - 1) seed(index + width);
  }
  return mask;
}

/**
 * Per-colour lookup table over RGB quantised to 5 bits a channel (32,768
 * entries): HSV bin, Lab bin and L, a, b of the cell's centre. Quantising
 * moves a pixel by at most 4 levels a channel, well inside one bin, and
 * makes the features about 20x cheaper than converting every pixel.
 */
interface ColourTable {
  hsvBin: Uint8Array;
  labBin: Uint8Array;
  lab: Float32Array;
}

let colourTable: ColourTable | null = null;

function getColourTable(): ColourTable {
  if (colourTable) return colourTable;
  const size = 32 * 32 * 32;
  const table: ColourTable = { hsvBin: new Uint8Array(size), labBin: new Uint8Array(size), lab: new Float32Array(size * 3) };
  const lab = new Float32Array(3);
  for (let index = 0; index < size; index++) {
    const r = ((index >> 10) << 3) + 4;
    const g = (((index >> 5) & 31) << 3) + 4;
    const b = ((index & 31) << 3) + 4;
    table.hsvBin[index] = colourBin(r, g, b);
    srgbToLab(r, g, b, lab);
    table.labBin[index] = labBin(lab);
    table.lab.set(lab, index * 3);
  }
  colourTable = table;
  return table;
}

/**
 * Computes the colour features of an RGB image (layout in
 * COLOUR_FEATURE_DIMENSION). Histograms are normalised to sum to 1 over the
 * product pixels; Lab values are divided by 100.
 */
export function colourFeatures(pixels: Uint8Array, width: number, height: number): Float32Array {
  const count = width * height;
  const mask = backgroundMask(pixels, width, height);
  let foreground = 0;
  for (let i = 0; i < count; i++) if (mask[i] === 0) foreground++;
  const useAll = foreground < MIN_FOREGROUND_FRACTION * count;
  const counted = useAll ? count : foreground;
  const table = getColourTable();

  const features = new Float32Array(COLOUR_FEATURE_DIMENSION);
  const sampleStep = Math.max(1, Math.floor(counted / KMEANS_SAMPLE));
  const sample: [number, number, number][] = [];
  const mean = [0, 0, 0];
  const square = [0, 0, 0];
  const cellPixels = new Float64Array(GRID * GRID);
  const cellProduct = new Float64Array(GRID * GRID);
  const cellLab = new Float64Array(GRID * GRID * 3);
  let seen = 0;
  for (let i = 0; i < count; i++) {
    const x = i % width;
    const cellIndex = Math.floor((((i - x) / width) * GRID) / height) * GRID + Math.floor((x * GRID) / width);
    cellPixels[cellIndex]! += 1;
    if (!useAll && mask[i] === 1) continue;
    const cell = ((pixels[i * 3]! >> 3) << 10) | ((pixels[i * 3 + 1]! >> 3) << 5) | (pixels[i * 3 + 2]! >> 3);
    features[table.hsvBin[cell]!]! += 1;
    features[HSV_BINS + table.labBin[cell]!]! += 1;
    const l = table.lab[cell * 3]!;
    const a = table.lab[cell * 3 + 1]!;
    const b = table.lab[cell * 3 + 2]!;
    mean[0]! += l;
    mean[1]! += a;
    mean[2]! += b;
    square[0]! += l * l;
    square[1]! += a * a;
    square[2]! += b * b;
    cellProduct[cellIndex]! += 1;
    cellLab[cellIndex * 3]! += l;
    cellLab[cellIndex * 3 + 1]! += a;
    cellLab[cellIndex * 3 + 2]! += b;
    if (seen % sampleStep === 0) sample.push([l, a, b]);
    seen++;
  }
  const total = Math.max(counted, 1);
  for (let bin = 0; bin < HSV_BINS + LAB_BINS; bin++) features[bin]! /= total;

  let offset = HSV_BINS + LAB_BINS;
  for (const { share, centre } of dominantColours(sample)) {
    features[offset++] = share;
    for (const value of centre) features[offset++] = value / 100;
  }
  features[offset++] = foreground / count;
  for (let c = 0; c < 3; c++) features[offset++] = mean[c]! / total / 100;
  for (let c = 0; c < 3; c++) {
    const m = mean[c]! / total;
    features[offset++] = Math.sqrt(Math.max(0, square[c]! / total - m * m)) / 100;
  }
  for (let cell = 0; cell < GRID * GRID; cell++) {
    const product = cellProduct[cell]!;
    features[offset++] = product / Math.max(cellPixels[cell]!, 1);
    for (let c = 0; c < 3; c++) features[offset++] = product > 0 ? cellLab[cell * 3 + c]! / product / 100 : 0;
  }
  return features;
}

/**
 * Clusters sampled Lab pixels with k-means into DOMINANT_COLOURS colours,
 * returned largest share first. The result is deterministic because the
 * centres start at the 20th, 50th and 80th percentile of L. A missing
 * cluster (fewer samples than clusters, or a centre that attracts no sample)
 * has share 0.
 */
export function dominantColours(sample: readonly [number, number, number][]): { share: number; centre: [number, number, number] }[] {
  if (sample.length < DOMINANT_COLOURS) {
    return Array.from({ length: DOMINANT_COLOURS }, () => ({ share: 0, centre: [0, 0, 0] as [number, number, number] }));
  }

  const byLightness = [...sample].sort((a, b) => a[0] - b[0]);
  const centres = [0.2, 0.5, 0.8].map((q) => [...byLightness[Math.floor(q * (byLightness.length - 1))]!] as [number, number, number]);
  const assignment = new Int32Array(sample.length);
  for (let iteration = 0; iteration < KMEANS_ITERATIONS; iteration++) {
    sample.forEach((point, i) => {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      centres.forEach((centre, k) => {
        const distance = (point[0] - centre[0]) ** 2 + (point[1] - centre[1]) ** 2 + (point[2] - centre[2]) ** 2;
        if (distance < bestDistance) {
          bestDistance = distance;
          best = k;
        }
      });
      assignment[i] = best;
    });
    for (let k = 0; k < DOMINANT_COLOURS; k++) {
      const sum = [0, 0, 0];
      let members = 0;
      sample.forEach((point, i) => {
        if (assignment[i] !== k) return;
        members++;
        for (let c = 0; c < 3; c++) sum[c]! += point[c]!;
      });
      if (members > 0) centres[k] = [sum[0]! / members, sum[1]! / members, sum[2]! / members];
    }
  }
  const shares = new Array<number>(DOMINANT_COLOURS).fill(0);
  for (const k of assignment) shares[k]! += 1 / sample.length;
  return centres.map((centre, k) => ({ share: shares[k]!, centre })).sort((a, b) => b.share - a.share);
}

/** Converts 8-bit sRGB to CIELAB (D65 white), writing L, a, b into `out`. */
export function srgbToLab(r: number, g: number, b: number, out: Float32Array | number[]): void {
  const linear = (channel: number): number => {
    const value = channel / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const rl = linear(r);
  const gl = linear(g);
  const bl = linear(b);
  const x = (0.4124 * rl + 0.3576 * gl + 0.1805 * bl) / 0.95047;
  const y = 0.2126 * rl + 0.7152 * gl + 0.0722 * bl;
  const z = (0.0193 * rl + 0.1192 * gl + 0.9505 * bl) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (fx - fy);
  out[2] = 200 * (fy - fz);
}

function labBin(lab: ArrayLike<number>): number {
  const lightness = Math.min(LAB_L_BINS - 1, Math.max(0, Math.floor((lab[0]! / 100) * LAB_L_BINS)));
  const axis = (value: number): number =>
    Math.min(LAB_AB_BINS - 1, Math.max(0, Math.floor(((value + LAB_AB_RANGE) / (2 * LAB_AB_RANGE)) * LAB_AB_BINS)));
  return (lightness * LAB_AB_BINS + axis(lab[1]!)) * LAB_AB_BINS + axis(lab[2]!);
}

/** Bin index of one RGB pixel (0..255 channels). */
export function colourBin(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const value = max / 255;
  const saturation = max === 0 ? 0 : (max - min) / max;

  if (saturation < MIN_CHROMA_SATURATION || value < MIN_CHROMA_VALUE) {
    return CHROMATIC_BINS + Math.min(GREY_BINS - 1, Math.floor(value * GREY_BINS));
  }

  const delta = max - min;
  let hue: number;
  if (max === r) hue = ((g - b) / delta + 6) % 6;
  else if (max === g) hue = (b - r) / delta + 2;
  else hue = (r - g) / delta + 4;
  // Bins are centred on red, so both sides of 0 degrees fall in bin 0.
  const hueBin = Math.floor(((hue / 6) * HUE_BINS + 0.5) % HUE_BINS);
  const saturationBin = saturation < 0.5 ? 0 : 1;
  const valueBin = Math.min(VALUE_BINS - 1, Math.floor(((value - MIN_CHROMA_VALUE) / (1 - MIN_CHROMA_VALUE)) * VALUE_BINS));
  return (hueBin * SATURATION_BINS + saturationBin) * VALUE_BINS + valueBin;
}
