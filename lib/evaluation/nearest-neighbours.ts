/**
 * Exact cosine k-nearest-neighbour search by brute force, the reference for
 * near-duplicate recall. Fine for evaluation-sized catalogues (290 queries x
 * 10,474 products x 1024 dimensions takes seconds); the search service uses
 * an approximate index instead.
 */

function normaliseRows(data: Float32Array, dimension: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let row = 0; row * dimension < data.length; row++) {
    let norm = 0;
    for (let j = 0; j < dimension; j++) norm += data[row * dimension + j]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dimension; j++) out[row * dimension + j] = data[row * dimension + j]! * scale;
  }
  return out;
}

/**
 * Returns, for each query row, the indices of the k catalogue rows with the
 * highest cosine similarity, best first. Equal similarities keep the lower
 * index first, and a zero vector has similarity 0 to everything.
 */
export function cosineNearestNeighbours(
  queries: Float32Array,
  catalogue: Float32Array,
  dimension: number,
  k: number,
): number[][] {
  if (queries.length % dimension !== 0 || catalogue.length % dimension !== 0) {
    throw new RangeError(`Vector data is not a whole number of ${dimension}-dimensional rows`);
  }
  const q = normaliseRows(queries, dimension);
  const c = normaliseRows(catalogue, dimension);
  const catalogueRows = c.length / dimension;
  const results: number[][] = [];
  const similarities = new Float32Array(catalogueRows);

  for (let i = 0; i * dimension < q.length; i++) {
    const query = q.subarray(i * dimension, (i + 1) * dimension);
    for (let r = 0; r < catalogueRows; r++) {
      let dot = 0;
      const offset = r * dimension;
      for (let j = 0; j < dimension; j++) dot += query[j]! * c[offset + j]!;
      similarities[r] = dot;
    }
    // Keep a small sorted list of the best k instead of sorting every row.
    const best: number[] = [];
    for (let r = 0; r < catalogueRows; r++) {
      const score = similarities[r]!;
      if (best.length === k && score <= similarities[best[k - 1]!]!) continue;
      let position = best.length;
      while (position > 0 && similarities[best[position - 1]!]! < score) position--;
      best.splice(position, 0, r);
      if (best.length > k) best.pop();
    }
    results.push(best);
  }
  return results;
}
