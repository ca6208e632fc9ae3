/**
 * Nearest-neighbour index of product embeddings: a wrapper over hnswlib-node
 * 3.0.0's HierarchicalNSW in cosine space.
 *
 * Labels are product ids. The product page requests products similar to a
 * product, and photo search returns products, so both look up by product id
 * and need no mapping table. The caller picks one vector per product (see
 * stored-vectors.ts).
 *
 * Concurrency: one process, one writer. hnswlib is not safe for a search
 * running while an insert changes the graph. Here every native call except
 * saving and loading runs synchronously on the JavaScript thread, so two of
 * them never overlap. Loading reads into a new object that nothing else can
 * reach yet. Saving runs hnswlib's writeIndex on a libuv thread, and until the
 * save completes, `add` and `markDeleted` wait on a mutex. Searches may run
 * during a save because both only read the graph. `rebuild` holds the same
 * mutex while it builds a new graph beside the old one, and searches keep
 * using the old graph until the new one is swapped in.
 */
import fs from "node:fs";
import path from "node:path";

import hnswlib from "hnswlib-node";

import { AsyncMutex } from "./mutex";
import { checkSavedIndex, commitSavedIndex, newIndexFileName, type ExpectedIndex, type IndexMismatch } from "./persistence";
import { assertLabel, toIndexVector } from "./vectors";

/**
 * Links per node (hnswlib's M; layer 0 keeps 2·M). 16 is hnswlib's default.
 * The links cost 2·16·4 + 4 bytes per node at layer 0, small next to the
 * 4 KB of a 1024-d vector: the saved graph takes 4,245 bytes per element.
 */
export const HNSW_M = 16;

/**
 * Candidate list size while inserting; larger builds a better graph more
 * slowly. 200 is hnswlib's default, and with M=16 it reached the recall
 * below at a small efSearch, which keeps queries fast.
 */
export const HNSW_EF_CONSTRUCTION = 200;

/**
 * Default candidate list size of an unfiltered search (raised to k when k is
 * larger). On 1024-d vectors it gave recall@10 of 0.998 on the 10,474 real
 * MobileNet embeddings, and 0.999, 0.994 and 0.991 on 10k, 100k and 250k
 * synthetic clustered vectors. The median CPU time per query was 0.3 to
 * 1.3 ms (workers/bench-index.ts, results in BENCHMARKS.md). Recall at a fixed
 * value falls as the index grows, so pass 128 beyond a few hundred thousand
 * products.
 */
export const DEFAULT_EF_SEARCH = 64;

/**
 * Default candidate list size of a filtered search. hnswlib stops a filtered
 * search only after it has found ef matching elements, so it visits about
 * ef ÷ (fraction of labels the filter admits) nodes, far more than an
 * unfiltered search with the same ef. With filters admitting 5% and 1%, ef 16
 * gave recall@10 of at least 0.996 on 10k real and 10k and 100k synthetic
 * vectors (0.9925 at 250k), at a quarter to a half of the CPU time of ef 64.
 */
export const DEFAULT_FILTERED_EF_SEARCH = 16;

/** Seed of hnswlib's level generator, fixed so that builds are reproducible. */
const HNSW_RANDOM_SEED = 100;

/** Capacity of a new index when the caller does not know its size. */
const DEFAULT_INITIAL_CAPACITY = 1_024;

/**
 * Capacity grows by this factor when full. resizeIndex reallocates the graph,
 * so peak memory during a resize is about (1 + factor) times the old size;
 * 1.5 keeps that peak lower than doubling at the cost of more resizes.
 */
const CAPACITY_GROWTH_FACTOR = 1.5;

/**
 * A rebuild is due once this fraction of the graph's elements is marked
 * deleted. Deleted elements keep their memory and are still traversed by
 * every search, so past a tenth they cost noticeable memory and latency.
 */
export const DEFAULT_MAX_DELETED_FRACTION = 0.1;

/**
 * First over-fetch factor of the "overfetch" filter strategy: fetch k·4
 * unfiltered neighbours, filter them, and quadruple until k match.
 */
const OVERFETCH_FACTOR = 4;

/**
 * A build yields to the event loop after this many adds or after
 * REBUILD_MAX_BLOCK_MS, whichever comes first, so that a server in the same
 * process stays responsive. An add takes about 0.5 ms on 10k 1024-d vectors
 * and 2 ms on 100k (BENCHMARKS.md), so the time bound matters for large
 * indexes.
 */
const REBUILD_YIELD_EVERY = 256;

/** Maximum time a build spends adding between two yields, in ms. */
const REBUILD_MAX_BLOCK_MS = 20;

export interface VectorIndexOptions {
  modelId: string;
  dimension: number;
  /** Initial capacity in elements. Default 1,024; pass the expected size to avoid resizes. */
  capacity?: number;
  /** Default DEFAULT_EF_SEARCH. */
  efSearch?: number;
  /** Default DEFAULT_FILTERED_EF_SEARCH. */
  filteredEfSearch?: number;
  /** Default DEFAULT_MAX_DELETED_FRACTION. */
  maxDeletedFraction?: number;
}

/**
 * Strategy of a filtered search. "callback" (the default) passes the filter
 * to hnswlib, which skips non-matching labels while walking the graph and
 * keeps walking until it has ef matches. "overfetch" searches without a
 * filter for k·4, k·16, ... neighbours and filters afterwards. Both keep
 * recall; workers/bench-index.ts measures them.
 */
export type FilterStrategy = "callback" | "overfetch";

export interface SearchOptions {
  /** Returns true for labels that may appear in the result. It must not throw. */
  filter?: (label: number) => boolean;
  filterStrategy?: FilterStrategy;
  /** Overrides the index's efSearch (or filteredEfSearch, with a filter) for this query. */
  ef?: number;
}

export interface SearchHit {
  label: number;
  /** Cosine distance, 1 − cosine similarity: from 0 (same direction) to 2. */
  distance: number;
  /** Cosine similarity, 1 − distance. */
  score: number;
}

export interface SavedIndex {
  headerPath: string;
  indexPath: string;
  indexBytes: number;
  elementCount: number;
  deletedCount: number;
}

export type LoadResult = { ok: true; index: VectorIndex } | { ok: false; mismatch: IndexMismatch };

export interface VectorIndex {
  readonly modelId: string;
  readonly dimension: number;
  /** Live (not deleted) labels. */
  readonly size: number;
  readonly deletedCount: number;
  /** Elements the graph can hold before the next resize; deleted ones take space too. */
  readonly capacity: number;
  readonly efSearch: number;
  readonly filteredEfSearch: number;
  /** True once deleted elements reach the maxDeletedFraction threshold; then rebuild from the stored embeddings. */
  readonly needsRebuild: boolean;
  has(label: number): boolean;
  /** Live labels in ascending order. */
  labels(): number[];
  /**
   * Inserts the vector for `label`, or replaces it in place if the label is
   * present, deleted or not. The vector is normalised by hnswlib. Grows the
   * capacity when the index is full.
   */
  add(label: number, vector: ArrayLike<number>): Promise<void>;
  /** Marks `label` deleted so that searches skip it, and returns false if it was not live. Memory is reclaimed only by a rebuild. */
  markDeleted(label: number): Promise<boolean>;
  /**
   * Replaces the graph with one built from `source`, which leaves out every
   * deleted element. Searches use the old graph until the swap, and `add`,
   * `markDeleted` and `save` wait until the rebuild ends. Both graphs are in
   * memory meanwhile. If `source` throws, the old graph stays. `capacity`
   * defaults to the current live count.
   */
  rebuild(source: VectorSource, options?: { capacity?: number }): Promise<void>;
  /** Returns up to k live labels nearest to `vector`, nearest first. */
  search(vector: ArrayLike<number>, k: number, options?: SearchOptions): SearchHit[];
  /** Saves atomically to `headerPath` (JSON) plus a graph file beside it; see persistence.ts. */
  save(headerPath: string): Promise<SavedIndex>;
}

/** Creates an empty index. */
export function createVectorIndex(options: VectorIndexOptions): VectorIndex {
  return createHnswIndex(options);
}

function createHnswIndex(options: VectorIndexOptions): HnswVectorIndex {
  const settings = validateOptions(options);
  const native = new hnswlib.HierarchicalNSW("cosine", options.dimension);
  native.initIndex({
    maxElements: Math.max(1, options.capacity ?? DEFAULT_INITIAL_CAPACITY),
    m: HNSW_M,
    efConstruction: HNSW_EF_CONSTRUCTION,
    randomSeed: HNSW_RANDOM_SEED,
    allowReplaceDeleted: false,
  });
  return new HnswVectorIndex(native, options.modelId, options.dimension, settings, new Set(), new Set());
}

/**
 * Loads an index saved by `save` and checks it against what the database
 * holds. Any mismatch (missing, truncated or corrupt files, another format
 * version, model id, dimension, or live count when `expected.count` is set)
 * comes back as `{ ok: false, mismatch }`. The caller then rebuilds from the
 * stored embeddings and logs `mismatch.message`. Other I/O errors are thrown.
 */
export async function loadVectorIndex(
  headerPath: string,
  expected: ExpectedIndex,
  options: Pick<VectorIndexOptions, "efSearch" | "filteredEfSearch" | "maxDeletedFraction"> = {},
): Promise<LoadResult> {
  const settings = validateOptions({ ...options, modelId: expected.modelId, dimension: expected.dimension });
  const checked = await checkSavedIndex(headerPath, expected);
  if (!checked.ok) return { ok: false, mismatch: checked.mismatch };
  const { header, indexPath } = checked;

  const native = new hnswlib.HierarchicalNSW("cosine", header.dimension);
  try {
    // The second argument (allowReplaceDeleted) must be an explicit boolean in hnswlib-node 3.0.0.
    await native.readIndex(indexPath, false);
  } catch (error) {
    return { ok: false, mismatch: { kind: "corrupt", message: `hnswlib could not read ${indexPath}: ${(error as Error).message}` } };
  }

  const labels = native.getIdsList();
  if (native.getCurrentCount() !== header.elementCount || labels.length !== header.elementCount) {
    return {
      ok: false,
      mismatch: {
        kind: "corrupt",
        message: `Index graph file ${indexPath} contains ${native.getCurrentCount()} elements, but its header records ${header.elementCount}`,
      },
    };
  }
  const deleted = new Set(header.deletedLabels);
  const live = new Set(labels.filter((label) => !deleted.has(label)));
  if (live.size + deleted.size !== labels.length) {
    return { ok: false, mismatch: { kind: "corrupt", message: `Index header ${headerPath} lists deleted labels that are not in the graph` } };
  }

  return { ok: true, index: new HnswVectorIndex(native, header.modelId, header.dimension, settings, live, deleted) };
}

export interface LabelledVector {
  label: number;
  vector: ArrayLike<number>;
}

export type VectorSource = Iterable<LabelledVector> | AsyncIterable<LabelledVector>;

/**
 * Builds a new index from `source`, e.g. `storedProductVectors(db, modelId)`.
 * A label that occurs twice keeps its last vector. Pass `capacity` when the
 * count is known to avoid resizes. The build yields to the event loop every
 * 256 vectors or 20 ms; `onProgress` receives the number added so far at each
 * yield.
 */
export function rebuildFromEmbeddings(
  source: VectorSource,
  options: VectorIndexOptions & { onProgress?: (added: number) => void },
): Promise<VectorIndex> {
  return buildIndex(source, options);
}

async function buildIndex(
  source: VectorSource,
  options: VectorIndexOptions & { onProgress?: (added: number) => void },
): Promise<HnswVectorIndex> {
  const index = createHnswIndex(options);
  let added = 0;
  let lastYield = performance.now();
  for await (const { label, vector } of source) {
    await index.add(label, vector);
    added++;
    if (added % REBUILD_YIELD_EVERY === 0 || performance.now() - lastYield >= REBUILD_MAX_BLOCK_MS) {
      options.onProgress?.(added);
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  options.onProgress?.(added);
  return index;
}

interface IndexSettings {
  efSearch: number;
  filteredEfSearch: number;
  maxDeletedFraction: number;
}

function validateOptions(options: Partial<VectorIndexOptions> & Pick<VectorIndexOptions, "modelId" | "dimension">): IndexSettings {
  if (options.modelId.trim().length === 0) throw new Error("Invalid modelId: it must be a non-empty string");
  if (!Number.isInteger(options.dimension) || options.dimension < 1) {
    throw new Error(`Invalid dimension ${options.dimension}: use a positive integer`);
  }
  if (options.capacity !== undefined && (!Number.isInteger(options.capacity) || options.capacity < 0)) {
    throw new Error(`Invalid capacity ${options.capacity}: use a non-negative integer`);
  }
  const efSearch = options.efSearch ?? DEFAULT_EF_SEARCH;
  if (!Number.isInteger(efSearch) || efSearch < 1) throw new Error(`Invalid efSearch ${efSearch}: use a positive integer`);
  const filteredEfSearch = options.filteredEfSearch ?? DEFAULT_FILTERED_EF_SEARCH;
  if (!Number.isInteger(filteredEfSearch) || filteredEfSearch < 1) {
    throw new Error(`Invalid filteredEfSearch ${filteredEfSearch}: use a positive integer`);
  }
  const maxDeletedFraction = options.maxDeletedFraction ?? DEFAULT_MAX_DELETED_FRACTION;
  if (!(maxDeletedFraction > 0 && maxDeletedFraction <= 1)) {
    throw new Error(`Invalid maxDeletedFraction ${maxDeletedFraction}: use a number above 0 and at most 1`);
  }
  return { efSearch, filteredEfSearch, maxDeletedFraction };
}

class HnswVectorIndex implements VectorIndex {
  // Not readonly: `rebuild` swaps in the graph and label sets of a new index.
  #native: hnswlib.HierarchicalNSW;
  #live: Set<number>;
  #deleted: Set<number>;
  readonly #settings: IndexSettings;
  /** Serialises changes to the graph with each other and with saves. */
  readonly #writeLock = new AsyncMutex();

  constructor(
    native: hnswlib.HierarchicalNSW,
    readonly modelId: string,
    readonly dimension: number,
    settings: IndexSettings,
    live: Set<number>,
    deleted: Set<number>,
  ) {
    this.#native = native;
    this.#settings = settings;
    this.#live = live;
    this.#deleted = deleted;
  }

  get size(): number {
    return this.#live.size;
  }

  get deletedCount(): number {
    return this.#deleted.size;
  }

  get capacity(): number {
    return this.#native.getMaxElements();
  }

  get efSearch(): number {
    return this.#settings.efSearch;
  }

  get filteredEfSearch(): number {
    return this.#settings.filteredEfSearch;
  }

  get needsRebuild(): boolean {
    const elements = this.#native.getCurrentCount();
    return this.#deleted.size > 0 && this.#deleted.size >= this.#settings.maxDeletedFraction * elements;
  }

  has(label: number): boolean {
    return this.#live.has(label);
  }

  labels(): number[] {
    return [...this.#live].sort((a, b) => a - b);
  }

  async add(label: number, vector: ArrayLike<number>): Promise<void> {
    assertLabel(label);
    const values = toIndexVector(vector, this.dimension);

    await this.#writeLock.run(() => {
      const isNew = !this.#live.has(label) && !this.#deleted.has(label);
      if (isNew && this.#native.getCurrentCount() >= this.#native.getMaxElements()) this.#grow();
      // hnswlib updates an existing label in place (and clears its deleted mark) instead of adding a node.
      this.#native.addPoint(values, label);
      this.#deleted.delete(label);
      this.#live.add(label);
    });
  }

  async markDeleted(label: number): Promise<boolean> {
    assertLabel(label);
    return this.#writeLock.run(() => {
      if (!this.#live.has(label)) return false;
      this.#native.markDelete(label);
      this.#live.delete(label);
      this.#deleted.add(label);
      return true;
    });
  }

  rebuild(source: VectorSource, options: { capacity?: number } = {}): Promise<void> {
    return this.#writeLock.run(async () => {
      const rebuilt = await buildIndex(source, {
        modelId: this.modelId,
        dimension: this.dimension,
        capacity: options.capacity ?? this.#live.size,
        ...this.#settings,
      });
      this.#native = rebuilt.#native;
      this.#live = rebuilt.#live;
      this.#deleted = rebuilt.#deleted;
    });
  }

  search(vector: ArrayLike<number>, k: number, options: SearchOptions = {}): SearchHit[] {
    const values = toIndexVector(vector, this.dimension);
    if (!Number.isInteger(k) || k < 1) throw new Error(`Invalid k ${k}: use a positive integer`);
    const { filter } = options;
    const ef = options.ef ?? (filter ? this.#settings.filteredEfSearch : this.#settings.efSearch);
    if (!Number.isInteger(ef) || ef < 1) throw new Error(`Invalid ef ${ef}: use a positive integer`);
    if (this.#live.size === 0) return [];

    if (!filter) return this.#searchNative(values, Math.min(k, this.#live.size), ef);
    if (options.filterStrategy === "overfetch") return this.#searchOverfetch(values, k, ef, filter);
    return this.#searchWithCallback(values, k, ef, filter);
  }

  /**
   * Holds the write lock for the whole save: the graph file, the counts and
   * the deleted labels in the header then agree, and overlapping saves cannot
   * remove each other's graph files. The lock is requested synchronously, so
   * the save contains every add and delete mark called before it.
   */
  save(headerPath: string): Promise<SavedIndex> {
    return this.#writeLock.run(() => this.#save(headerPath));
  }

  async #save(headerPath: string): Promise<SavedIndex> {
    await fs.promises.mkdir(path.dirname(headerPath), { recursive: true });
    const indexPath = path.join(path.dirname(headerPath), newIndexFileName(headerPath));
    await this.#native.writeIndex(`${indexPath}.tmp`);

    const deletedLabels = [...this.#deleted].sort((a, b) => a - b);
    const header = await commitSavedIndex(headerPath, indexPath, {
      formatVersion: 1,
      library: "hnswlib-node 3.0.0",
      space: "cosine",
      modelId: this.modelId,
      dimension: this.dimension,
      m: HNSW_M,
      efConstruction: HNSW_EF_CONSTRUCTION,
      capacity: this.#native.getMaxElements(),
      elementCount: this.#native.getCurrentCount(),
      deletedCount: deletedLabels.length,
      labelKind: "productId",
      deletedLabels,
    });
    return {
      headerPath,
      indexPath,
      indexBytes: header.indexBytes,
      elementCount: header.elementCount,
      deletedCount: header.deletedCount,
    };
  }

  #grow(): void {
    const current = this.#native.getMaxElements();
    this.#native.resizeIndex(Math.max(current + 1, Math.ceil(current * CAPACITY_GROWTH_FACTOR)));
  }

  #searchNative(values: number[], k: number, ef: number, filter?: (label: number) => boolean): SearchHit[] {
    this.#native.setEf(Math.max(ef, k));
    const { neighbors, distances } = this.#native.searchKnn(values, k, filter);
    return neighbors.map((label, i) => ({ label, distance: distances[i]!, score: 1 - distances[i]! }));
  }

  #searchWithCallback(values: number[], k: number, ef: number, filter: (label: number) => boolean): SearchHit[] {
    // An exception thrown inside the native callback would not reach this
    // caller intact, so the filter's error is caught and rethrown here.
    let filterError: unknown;
    const guarded = (label: number): boolean => {
      if (filterError !== undefined) return false;
      try {
        return filter(label);
      } catch (error) {
        filterError = error ?? new Error("Search filter threw a nullish value");
        return false;
      }
    };
    const hits = this.#searchNative(values, Math.min(k, this.#live.size), ef, guarded);
    if (filterError !== undefined) throw filterError;
    return hits;
  }

  #searchOverfetch(values: number[], k: number, ef: number, filter: (label: number) => boolean): SearchHit[] {
    let fetch = Math.min(this.#live.size, k * OVERFETCH_FACTOR);
    for (;;) {
      const hits = this.#searchNative(values, fetch, ef).filter((hit) => filter(hit.label));
      if (hits.length >= k || fetch >= this.#live.size) return hits.slice(0, k);
      fetch = Math.min(this.#live.size, fetch * OVERFETCH_FACTOR);
    }
  }
}
