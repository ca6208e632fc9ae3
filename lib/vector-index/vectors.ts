/** Maximum label that hnswlib-node accepts, because it converts labels with N-API's Uint32Value. */
export const MAX_LABEL = 0xffff_ffff;

/**
 * Decodes an Embedding.vector column: `dimension` little-endian float32
 * values. Throws when the byte length does not match the dimension.
 */
export function decodeVector(bytes: Uint8Array, dimension: number): Float32Array {
  if (bytes.byteLength !== dimension * 4) {
    throw new Error(`Invalid embedding: ${bytes.byteLength} bytes, expected ${dimension * 4} for dimension ${dimension}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}

/** Encodes a vector for Embedding.vector as little-endian float32 values. */
export function encodeVector(vector: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i]!, true);
  return bytes;
}

export function assertLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label > MAX_LABEL) {
    throw new Error(`Invalid label ${label}: use an integer from 0 to ${MAX_LABEL} (a product id)`);
  }
}

/**
 * Checks a vector's length and values and returns it as the plain number
 * array that hnswlib-node requires. A zero vector is rejected because its
 * cosine distance to anything is undefined.
 */
export function toIndexVector(vector: ArrayLike<number>, dimension: number): number[] {
  if (vector.length !== dimension) {
    throw new Error(`Invalid vector: ${vector.length} values, expected ${dimension}`);
  }
  const values = Array.from(vector);
  let squaredNorm = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) throw new Error(`Invalid vector: value ${value} at position ${i} is not a finite number`);
    squaredNorm += value * value;
  }
  if (squaredNorm === 0) throw new Error("Invalid vector: all values are zero, so its cosine distance is undefined");
  return values;
}
