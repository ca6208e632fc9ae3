/**
 * Measures the HNSW vector index: `npm run bench:index -- --help`.
 *
 * It indexes synthetic clustered vectors or the real catalogue embeddings
 * from the feature cache. It reports build time, memory (RSS growth during
 * the build), file size, and save and load time. For several efSearch values
 * it reports query latency percentiles and recall@10 against exact
 * brute-force search, and the same for filtered search with the filter
 * callback and with over-fetching. Progress goes to stderr, and a Markdown
 * table and a JSON summary go to stdout.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import { dataDir } from "../lib/config";
import { readCachedEmbeddings } from "../lib/vector-index/testing/cached-embeddings";
import { clusteredVectors, exactSearchScored, recall } from "../lib/vector-index/testing/synthetic";
import {
  createVectorIndex,
  DEFAULT_EF_SEARCH,
  DEFAULT_FILTERED_EF_SEARCH,
  HNSW_EF_CONSTRUCTION,
  HNSW_M,
  loadVectorIndex,
  type FilterStrategy,
  type VectorIndex,
} from "../lib/vector-index/vector-index";

const HELP = `Usage: npm run bench:index -- [options]

Options:
  --dataset synthetic|real  synthetic: clustered vectors (default). real: the
                            catalogue embeddings under <data dir>/features,
                            queried with the shoppers' photos cached there
  --size N                  vectors to index for --dataset synthetic; accepts
                            10k, 1m (default: 10k)
  --dimension N             dimension of synthetic vectors (default: 1024)
  --queries N               queries to measure (default: 200)
  --ef LIST                 efSearch values to measure, comma-separated
                            (default: 16,32,64,128)
  --filter-fractions LIST   fractions of labels a filter admits, comma-separated
                            (default: 0.05,0.01)
  --filter-ef LIST          efSearch values for filtered search, comma-separated
                            (default: 16,64)
  --help                    show this help

Needs about size x (2 x dimension x 4 + 400) bytes of memory: the vectors are
kept in JavaScript for the exact search besides hnswlib's copy. The exact
search runs in JavaScript and dominates the run time at 1M vectors.`;

const K = 10;
/** Rows per Float32Array chunk. Chunks let generation report progress and avoid one multi-GiB allocation. */
const CHUNK_ROWS = 65_536;
/** Unmeasured queries before each measured series, to warm caches. */
const WARMUP_QUERIES = 50;
/**
 * Bytes per element besides the vectors: hnswlib's level-0 links (2·M·4 + 4),
 * its label (8) and upper-level links, the JS label set, and slack.
 */
const OVERHEAD_BYTES_PER_ELEMENT = 400;

interface Options {
  dataset: "synthetic" | "real";
  size: number;
  dimension: number;
  queries: number;
  efValues: number[];
  filterFractions: number[];
  filterEfValues: number[];
}

/** Indexed vectors as row-major chunks of CHUNK_ROWS rows; row r has label r. */
interface VectorSet {
  dimension: number;
  count: number;
  chunks: Float32Array[];
  queries: Float32Array;
  description: string;
}

/**
 * Wall-clock latency and CPU time per query. On a shared machine the wall
 * clock also counts time the process waited for a core, but the CPU time does
 * not. The load average shows how busy the machine was.
 */
interface QueryMeasurement {
  recall: number;
  latencyMs: LatencySummary;
  cpuMs: LatencySummary;
  /** One-minute load average when the series ended. */
  loadAverage: number;
}

interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      dataset: { type: "string", default: "synthetic" },
      size: { type: "string", default: "10k" },
      dimension: { type: "string", default: "1024" },
      queries: { type: "string", default: "200" },
      ef: { type: "string", default: "16,32,64,128" },
      "filter-fractions": { type: "string", default: "0.05,0.01" },
      "filter-ef": { type: "string", default: "16,64" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  if (values.dataset !== "synthetic" && values.dataset !== "real") {
    throw new Error(`Invalid --dataset "${values.dataset}": use synthetic or real`);
  }
  return {
    dataset: values.dataset,
    size: parseCount("--size", values.size),
    dimension: parseCount("--dimension", values.dimension),
    queries: parseCount("--queries", values.queries),
    efValues: values.ef.split(",").map((text) => parseCount("--ef", text)),
    filterEfValues: values["filter-ef"].split(",").map((text) => parseCount("--filter-ef", text)),
    filterFractions: values["filter-fractions"].split(",").map((text) => {
      const fraction = Number(text);
      if (!(fraction > 0 && fraction <= 1)) throw new Error(`Invalid --filter-fractions value "${text}": use numbers in (0, 1]`);
      return fraction;
    }),
  };
}

function parseCount(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  const multiplier = { "": 1, k: 1_000, m: 1_000_000 }[(match?.[2] ?? "").toLowerCase()] ?? 1;
  const value = match ? Math.round(Number(match[1]) * multiplier) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) throw new Error(`Invalid ${flag} "${text}": use a positive whole number such as 10000, 10k or 1m`);
  return value;
}

function progress(message: string): void {
  process.stderr.write(`[bench-index ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function cpuModel(): string {
  try {
    const line = fs.readFileSync("/proc/cpuinfo", "utf8").split("\n").find((entry) => entry.startsWith("model name"));
    if (line) return line.split(":")[1]!.trim();
  } catch {
    // Not Linux: fall back to Node's report.
  }
  return os.cpus()[0]?.model ?? "unknown CPU";
}

function rowOfSet(set: VectorSet, row: number): Float32Array {
  const chunk = set.chunks[Math.floor(row / CHUNK_ROWS)]!;
  const offset = (row % CHUNK_ROWS) * set.dimension;
  return chunk.subarray(offset, offset + set.dimension);
}

function loadVectors(options: Options): VectorSet {
  if (options.dataset === "real") {
    const featuresDir = path.join(dataDir(), "features");
    const catalogue = readCachedEmbeddings(featuresDir, "fashion-products");
    const photos = readCachedEmbeddings(featuresDir, "queries");
    if (!catalogue || !photos) {
      throw new Error(`No cached embeddings under ${featuresDir}: run the vision feature extraction first, or use --dataset synthetic`);
    }
    const queryCount = Math.min(options.queries, photos.ids.length);
    return {
      dimension: catalogue.dimension,
      count: catalogue.ids.length,
      chunks: [catalogue.vectors],
      queries: photos.vectors.slice(0, queryCount * photos.dimension),
      description: `${catalogue.ids.length} catalogue embeddings (${catalogue.source}), ${queryCount} shopper photo queries (${photos.source})`,
    };
  }

  const { size, dimension } = options;
  // About 20 vectors per cluster, like groups of near-identical catalogue products.
  const generator = clusteredVectors({ dimension, clusters: Math.max(1, Math.round(size / 20)), seed: 2_026 });
  const chunks: Float32Array[] = [];
  for (let start = 0; start < size; start += CHUNK_ROWS) {
    chunks.push(generator.next(Math.min(CHUNK_ROWS, size - start)));
    if (chunks.length % 4 === 0) progress(`generated ${Math.min(size, start + CHUNK_ROWS)} of ${size} vectors`);
  }
  // Queries come from the same clusters as the indexed vectors but are not indexed themselves.
  const queries = generator.next(options.queries);
  return {
    dimension,
    count: size,
    chunks,
    queries,
    description: `${size} synthetic clustered unit vectors (${Math.round(size / 20)} clusters in a 16-d latent space, seed 2026), ${options.queries} queries from the same clusters`,
  };
}

/** Exact top-k labels over all chunks, merged by similarity. */
function exactTopK(set: VectorSet, query: Float32Array, filter?: (label: number) => boolean): number[] {
  const merged: { label: number; score: number }[] = [];
  set.chunks.forEach((chunk, index) => {
    const rows = chunk.length / set.dimension;
    const labels = Int32Array.from({ length: rows }, (_, row) => index * CHUNK_ROWS + row);
    merged.push(...exactSearchScored(chunk, labels, set.dimension, query, K, filter));
  });
  return merged
    .sort((a, b) => b.score - a.score)
    .slice(0, K)
    .map((hit) => hit.label);
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function summarise(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

function measureQueries(
  index: VectorIndex,
  set: VectorSet,
  truth: number[][],
  search: { ef: number; filter?: (label: number) => boolean; filterStrategy?: FilterStrategy },
): QueryMeasurement {
  const queryCount = truth.length;
  const queryAt = (q: number) => set.queries.subarray(q * set.dimension, (q + 1) * set.dimension);
  for (let q = 0; q < Math.min(WARMUP_QUERIES, queryCount); q++) index.search(queryAt(q), K, search);

  const latencies: number[] = [];
  const cpuTimes: number[] = [];
  let recallSum = 0;
  for (let q = 0; q < queryCount; q++) {
    const query = queryAt(q);
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const hits = index.search(query, K, search);
    latencies.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStarted);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    recallSum += recall(
      hits.map((hit) => hit.label),
      truth[q]!,
    );
  }
  return { recall: recallSum / queryCount, latencyMs: summarise(latencies), cpuMs: summarise(cpuTimes), loadAverage: os.loadavg()[0]! };
}

function checkMemory(options: Options): void {
  if (options.dataset !== "synthetic") return;
  const needed = options.size * (2 * options.dimension * 4 + OVERHEAD_BYTES_PER_ELEMENT);
  const available = os.freemem();
  progress(`estimated memory ${(needed / 2 ** 30).toFixed(1)} GiB, free ${(available / 2 ** 30).toFixed(1)} GiB`);
  if (needed > 0.9 * available) {
    throw new Error(
      `Not enough free memory for --size ${options.size}: about ${(needed / 2 ** 30).toFixed(1)} GiB needed, ` +
        `${(available / 2 ** 30).toFixed(1)} GiB free. Use a smaller --size.`,
    );
  }
}

type Truth = number[][];
interface FilterCase {
  fraction: number;
  filter: (label: number) => boolean;
  truth: Truth;
}

/** Exact top-k for every query, unfiltered and under each filter fraction (label % round(1/fraction) === 0). */
function computeTruth(set: VectorSet, fractions: readonly number[]): { truth: Truth; filters: FilterCase[] } {
  const queryCount = set.queries.length / set.dimension;
  const queryAt = (q: number) => set.queries.subarray(q * set.dimension, (q + 1) * set.dimension);
  const truth = Array.from({ length: queryCount }, (_, q) => exactTopK(set, queryAt(q)));
  const filters = fractions.map((fraction) => {
    const modulus = Math.round(1 / fraction);
    const filter = (label: number) => label % modulus === 0;
    return { fraction, filter, truth: Array.from({ length: queryCount }, (_, q) => exactTopK(set, queryAt(q), filter)) };
  });
  return { truth, filters };
}

/**
 * Builds the index, computes the exact results, measures queries and saves
 * the index to `headerPath`. The exact search runs after the build so that
 * its garbage does not distort the RSS growth. The index is not returned, so
 * that it can be garbage-collected before the reload.
 */
async function buildMeasureAndSave(set: VectorSet, options: Options, headerPath: string) {
  if (typeof global.gc === "function") global.gc();
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  let started = performance.now();
  const index = createVectorIndex({ modelId: "bench", dimension: set.dimension, capacity: set.count });
  const reportEvery = Math.max(1, Math.round(set.count / 20));
  for (let row = 0; row < set.count; row++) {
    await index.add(row, rowOfSet(set, row));
    if ((row + 1) % reportEvery === 0) {
      const seconds = (performance.now() - started) / 1000;
      progress(`indexed ${row + 1} of ${set.count} (${((row + 1) / seconds).toFixed(0)} vectors/s)`);
    }
  }
  const buildMs = performance.now() - started;
  const buildCpu = process.cpuUsage(cpuBefore);
  const buildCpuMs = (buildCpu.user + buildCpu.system) / 1000;
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  progress(`built in ${(buildMs / 1000).toFixed(1)} s (CPU ${(buildCpuMs / 1000).toFixed(1)} s), RSS grew ${(rssGrowth / 2 ** 20).toFixed(0)} MiB`);

  started = performance.now();
  const { truth, filters } = computeTruth(set, options.filterFractions);
  const exactMs = performance.now() - started;
  progress(`exact search for ${truth.length} queries x ${1 + filters.length} filters took ${(exactMs / 1000).toFixed(1)} s`);

  const sweep = options.efValues.map((ef) => ({ ef, ...measureQueries(index, set, truth, { ef }) }));
  const filtered = filters.flatMap(({ fraction, filter, truth: filteredTruth }) =>
    options.filterEfValues.flatMap((ef) =>
      (["callback", "overfetch"] as const).map((strategy) => ({
        fraction,
        strategy,
        ef,
        ...measureQueries(index, set, filteredTruth, { ef, filter, filterStrategy: strategy }),
      })),
    ),
  );
  const firstQueryHits = index.search(set.queries.subarray(0, set.dimension), K);

  started = performance.now();
  const saved = await index.save(headerPath);
  const saveMs = performance.now() - started;
  return { buildMs, buildCpuMs, rssGrowth, exactMs, sweep, filtered, firstQueryHits, saved, saveMs };
}

async function main(): Promise<void> {
  const options = parseOptions();
  checkMemory(options);

  let started = performance.now();
  const set = loadVectors(options);
  progress(`prepared ${set.description} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-bench-index-"));
  const headerPath = path.join(dir, "bench.json");
  try {
    const measured = await buildMeasureAndSave(set, options, headerPath);

    // The built index is unreachable now; collecting it before the reload keeps one graph in memory.
    if (typeof global.gc === "function") global.gc();
    started = performance.now();
    const loaded = await loadVectorIndex(headerPath, { modelId: "bench", dimension: set.dimension, count: set.count });
    const loadMs = performance.now() - started;
    if (!loaded.ok) throw new Error(`Reloading the saved index failed: ${loaded.mismatch.message}`);
    const reloadedHits = loaded.index.search(set.queries.subarray(0, set.dimension), K);
    if (JSON.stringify(reloadedHits) !== JSON.stringify(measured.firstQueryHits)) {
      throw new Error("The reloaded index returned other results than the built one");
    }
    progress(`saved ${measured.saved.indexBytes} bytes in ${measured.saveMs.toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms`);

    const result = {
      machine: { cpu: cpuModel(), cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      command: `npm run bench:index -- ${process.argv.slice(2).join(" ")}`.trim(),
      dataset: set.description,
      count: set.count,
      dimension: set.dimension,
      hnsw: {
        m: HNSW_M,
        efConstruction: HNSW_EF_CONSTRUCTION,
        defaultEfSearch: DEFAULT_EF_SEARCH,
        defaultFilteredEfSearch: DEFAULT_FILTERED_EF_SEARCH,
      },
      buildSeconds: measured.buildMs / 1000,
      buildCpuSeconds: measured.buildCpuMs / 1000,
      rssGrowthMiB: measured.rssGrowth / 2 ** 20,
      fileMiB: measured.saved.indexBytes / 2 ** 20,
      saveSeconds: measured.saveMs / 1000,
      loadSeconds: loadMs / 1000,
      exactSearchSeconds: measured.exactMs / 1000,
      sweep: measured.sweep,
      filtered: measured.filtered,
    };
    process.stdout.write(`${markdown(result)}\n\n${JSON.stringify(result, null, 2)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(result: {
  count: number;
  dimension: number;
  buildSeconds: number;
  buildCpuSeconds: number;
  rssGrowthMiB: number;
  fileMiB: number;
  saveSeconds: number;
  loadSeconds: number;
  sweep: (QueryMeasurement & { ef: number })[];
  filtered: (QueryMeasurement & { fraction: number; strategy: string; ef: number })[];
}): string {
  const ms = (value: number) => value.toFixed(3);
  const timings = (row: QueryMeasurement) =>
    `${ms(row.latencyMs.p50)} | ${ms(row.latencyMs.p95)} | ${ms(row.latencyMs.p99)} | ${ms(row.cpuMs.p50)} | ${ms(row.cpuMs.p99)} | ${row.loadAverage.toFixed(1)}`;
  const lines = [
    `Index of ${result.count} x ${result.dimension}: build ${result.buildSeconds.toFixed(1)} s (CPU ${result.buildCpuSeconds.toFixed(1)} s), ` +
      `RSS +${result.rssGrowthMiB.toFixed(0)} MiB, ` +
      `file ${result.fileMiB.toFixed(1)} MiB, save ${result.saveSeconds.toFixed(2)} s, load ${result.loadSeconds.toFixed(2)} s`,
    "",
    "| efSearch | recall@10 | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p99 ms | load |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...result.sweep.map((row) => `| ${row.ef} | ${row.recall.toFixed(4)} | ${timings(row)} |`),
    "",
    "| filter admits | strategy | efSearch | recall@10 | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p99 ms | load |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...result.filtered.map(
      (row) => `| ${(row.fraction * 100).toFixed(0)}% | ${row.strategy} | ${row.ef} | ${row.recall.toFixed(4)} | ${timings(row)} |`,
    ),
  ];
  return lines.join("\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-index failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
