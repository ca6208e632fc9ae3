/**
 * Measures tagging throughput and photo search latency: `npm run bench:photo -- --help`.
 *
 * Tagging: imports N dataset products into a fresh SQLite catalogue and runs
 * the vision worker on it in this process until every image is tagged, with
 * two embedding threads and then one. It reports images/s and, from an
 * analytic FLOP count of the model and an lscpu-based peak estimate, the
 * achieved GFLOP/s and its ratio to the peak.
 *
 * Photo search: two catalogues are served by the vision worker and a
 * production build under `next start` on 127.0.0.1. The 10k one is the
 * dataset with the cached real embeddings, and the 100k one is the 10k
 * replicated tenfold with noisy copies of the embeddings. The script POSTs
 * the near-duplicate query photos to /api/search/photo one at a time.
 * Everything it writes lives under data/bench/. The Markdown summary goes to
 * stdout and the full results to data/bench/photo-results.json.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import type { Logger } from "pino";

import { dataDir, datasetDir } from "../lib/config";
import { createDatabase } from "../lib/db/client";
import { logger } from "../lib/logger";
import { DEFAULT_PHOTO_HITS } from "../lib/photo-search/http";
import { openVectorIndex, vectorIndexPath } from "../lib/vector-index";
import { readCachedEmbeddings } from "../lib/vector-index/testing/cached-embeddings";
import { backboneConfigFromEnv } from "../lib/vision/backbone-config";
import { backboneDir, backboneLayer, modelsDir } from "../lib/vision/config";
import { configuredModelId } from "../lib/vision/training-config";
import {
  attachEmbeddings,
  benchCatalogue,
  importProducts,
  isComplete,
  markComplete,
  readCachedCatalogueEmbeddings,
  replicateCatalogue,
  resetCatalogue,
  type BenchCatalogue,
} from "./bench-photo/catalogues";
import { countTaggingFlops, estimatePeak, type ModelCost, type PeakEstimate } from "./bench-photo/model-cost";
import {
  measureEndToEnd,
  measureHitFetch,
  measureIndexSearch,
  measureWorker,
  readQueryPhotos,
  type EndToEndResult,
  type LatencySummary,
  type QueryPhoto,
  type WorkerResult,
} from "./bench-photo/queries";
import { buildWebApp, startWebServer, startWorker, waitUntilReady, type ChildHandle, type StackSettings } from "./bench-photo/servers";
import { compareWithCache, measureTagging, type EmbeddingComparison, type TaggingRun } from "./bench-photo/tagging";

const HELP = `Usage: npm run bench:photo -- [options]

Options:
  --part tagging|search|all   what to measure (default: all)
  --tag-products N            products to tag with two threads (default: 600)
  --tag-products-one-thread N products to tag with one thread; 0 skips that
                              run (default: 200)
  --size 10k|100k|all         photo search catalogues (default: all)
  --rounds N                  measured rounds over the query photos (default: 2)
  --warmup N                  unmeasured requests before them (default: 10)
  --port N                    port of the web server on 127.0.0.1 (default: 3210)
  --worker-port N             port of the worker's query server (default: 3211)
  --copy-noise X              noise added to the embeddings of the 100k
                              catalogue's copies, as a fraction of the
                              vector's norm (default: 0.1)
  --fma-units N               vector FMA units per core assumed for the peak
                              (default: 2)
  --rebuild                   rebuild the photo search catalogues
  --help                      show this help

Reads the catalogue from STYLELENS_DATASET_DIR (default
../shared/datasets/fashion-products) and its query photos from
near-duplicates/queries inside it. The 10k catalogue takes the real
embeddings from the feature cache under <data dir>/features, which
\`npm run train\` fills. The first photo search run imports the dataset and
builds the app into .next-bench (several minutes each), and the worker
builds the 100k index on its first start.`;

const root = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(root, "data", "bench");
const sharedImageStore = path.join(benchDir, "images");
const resultsPath = path.join(benchDir, "photo-results.json");
const DIST_DIR = ".next-bench";
/** Seed of the noise on the 100k catalogue's copied embeddings. */
const COPY_NOISE_SEED = 2_026;
/** Smallest cosine similarity between worker-stored and cached embeddings for the cache to count as the same vectors. */
const SAME_VECTOR_COSINE = 0.9999;

type Size = "10k" | "100k";

interface Options {
  tagging: boolean;
  search: boolean;
  tagProducts: number;
  tagProductsOneThread: number;
  sizes: Size[];
  rounds: number;
  warmup: number;
  webPort: number;
  workerPort: number;
  copyNoise: number;
  fmaUnits: number;
  rebuild: boolean;
}

function readOptions(args: string[]): Options | null {
  const { values } = parseArgs({
    args,
    options: {
      part: { type: "string", default: "all" },
      "tag-products": { type: "string", default: "600" },
      "tag-products-one-thread": { type: "string", default: "200" },
      size: { type: "string", default: "all" },
      rounds: { type: "string", default: "2" },
      warmup: { type: "string", default: "10" },
      port: { type: "string", default: "3210" },
      "worker-port": { type: "string", default: "3211" },
      "copy-noise": { type: "string", default: "0.1" },
      "fma-units": { type: "string", default: "2" },
      rebuild: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;

  if (!["tagging", "search", "all"].includes(values.part)) throw new Error(`Invalid --part "${values.part}": use tagging, search or all`);
  const sizes = ({ "10k": ["10k"], "100k": ["100k"], all: ["10k", "100k"] } as Record<string, Size[]>)[values.size];
  if (!sizes) throw new Error(`Invalid --size "${values.size}": use 10k, 100k or all`);
  const copyNoise = Number(values["copy-noise"]);
  if (!(copyNoise >= 0 && copyNoise <= 1)) throw new Error(`Invalid --copy-noise "${values["copy-noise"]}": use a number from 0 to 1`);
  return {
    tagging: values.part !== "search",
    search: values.part !== "tagging",
    tagProducts: wholeNumber("--tag-products", values["tag-products"]),
    tagProductsOneThread: wholeNumber("--tag-products-one-thread", values["tag-products-one-thread"], 0),
    sizes,
    rounds: wholeNumber("--rounds", values.rounds),
    warmup: wholeNumber("--warmup", values.warmup, 0),
    webPort: portNumber("--port", values.port),
    workerPort: portNumber("--worker-port", values["worker-port"]),
    copyNoise,
    fmaUnits: wholeNumber("--fma-units", values["fma-units"]),
    rebuild: values.rebuild,
  };
}

function wholeNumber(option: string, raw: string, min = 1): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`Invalid ${option} "${raw}": use a whole number of at least ${min}`);
  return Number(raw);
}

function portNumber(option: string, raw: string): number {
  const value = wholeNumber(option, raw);
  if (value > 65535) throw new Error(`Invalid ${option} "${raw}": use a port from 1 to 65535`);
  return value;
}

// --- Machine ------------------------------------------------------------------

interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
}

function describeMachine(): Machine {
  return {
    date: execFileSync("date", { encoding: "utf8" }).trim(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
}

// --- Tagging ------------------------------------------------------------------

interface TaggingReport {
  runs: TaggingRun[];
  cacheCheck: EmbeddingComparison | null;
  modelCost: ModelCost;
  peak: PeakEstimate;
}

interface Context {
  options: Options;
  datasetDir: string;
  modelId: string;
  modelDir: string;
  log: Logger;
}

async function runTagging(context: Context, cachedVectors: ReadonlyMap<string, Float32Array> | null): Promise<TaggingReport> {
  const { options, log } = context;
  const runs: TaggingRun[] = [];
  let cacheCheck: EmbeddingComparison | null = null;
  const plan: [threads: number, products: number][] = [[2, options.tagProducts]];
  if (options.tagProductsOneThread > 0) plan.push([1, options.tagProductsOneThread]);

  for (const [threads, products] of plan) {
    const { run, database } = await measureTagging({
      root,
      benchDir,
      sharedImageStore,
      datasetDir: context.datasetDir,
      modelDir: context.modelDir,
      threads,
      products,
      log,
    });
    try {
      log.info({ ...run }, "Tagging run finished");
      runs.push(run);
      if (threads === 2 && cachedVectors) cacheCheck = await compareWithCache(database, context.modelId, cachedVectors);
    } finally {
      await database.prisma.$disconnect();
    }
  }

  const modelCost = await countTaggingFlops(backboneDir(), backboneLayer(), context.modelDir);
  return { runs, cacheCheck, modelCost, peak: estimatePeak(options.fmaUnits) };
}

// --- Photo search catalogues ----------------------------------------------------

async function ensureCatalogue(context: Context, size: Size, cachedVectors: ReadonlyMap<string, Float32Array> | null): Promise<BenchCatalogue> {
  const catalogue = benchCatalogue(benchDir, `photo-${size}`);
  if (isComplete(catalogue) && !context.options.rebuild) return catalogue;

  if (size === "10k") {
    await resetCatalogue(root, catalogue, sharedImageStore);
    const database = createDatabase(catalogue.config);
    try {
      const imported = await importProducts(database, { datasetDir: context.datasetDir, catalogue, sharedImageStore, log: context.log });
      const attached = cachedVectors ? await attachEmbeddings(database, context.modelId, cachedVectors) : { attached: 0, missing: imported };
      context.log.info(attached, "Stored cached embeddings; the worker tags the products without one when it starts");
      markComplete(catalogue, { imported, ...attached });
    } finally {
      await database.prisma.$disconnect();
    }
    return catalogue;
  }

  const source = benchCatalogue(benchDir, "photo-10k");
  if (!isComplete(source)) await ensureCatalogue(context, "10k", cachedVectors);
  await assertAllTagged(source);
  await resetCatalogue(root, catalogue, sharedImageStore);
  // VACUUM INTO needs a path that does not exist yet.
  fs.rmSync(catalogue.config.sqlitePath!, { force: true });
  const replicated = await replicateCatalogue(source, catalogue, {
    modelId: context.modelId,
    relativeNoise: context.options.copyNoise,
    seed: COPY_NOISE_SEED,
    log: context.log,
  });
  markComplete(catalogue, { ...replicated, copyNoise: context.options.copyNoise });
  return catalogue;
}

/** Throws when the 10k catalogue still has images without embeddings, which its worker run tags. */
async function assertAllTagged(catalogue: BenchCatalogue): Promise<void> {
  const database = createDatabase(catalogue.config);
  try {
    const pending = await database.prisma.productImage.count({ where: { status: { in: ["pending", "processing"] } } });
    if (pending > 0) {
      throw new Error(`The 10k photo catalogue has ${pending} untagged images: run with --size 10k first, whose worker tags them, then --size 100k`);
    }
  } finally {
    await database.prisma.$disconnect();
  }
}

// --- Photo search -----------------------------------------------------------------

interface SearchReport {
  size: Size;
  products: number;
  indexed: number;
  endToEnd: EndToEndResult;
  worker: Omit<WorkerResult, "hitIds">;
  indexSearch: { wallMs: LatencySummary; cpuMs: LatencySummary } | null;
  hitFetchMs: LatencySummary;
}

async function runSearch(context: Context, size: Size, catalogue: BenchCatalogue, photos: QueryPhoto[]): Promise<SearchReport> {
  const { options, log } = context;
  const settings: StackSettings = { root, distDir: DIST_DIR, webPort: options.webPort, workerPort: options.workerPort };
  const children: ChildHandle[] = [];
  const stopAll = () => Promise.all(children.map((child) => child.stop()));
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    children.push(startWorker(catalogue, settings, log));
    children.push(startWebServer(catalogue, settings, log));
    const health = await waitUntilReady(settings, children, log);
    log.info({ size, health }, "Web server and worker ready; measuring");

    const endToEnd = await measureEndToEnd(options.webPort, photos, { rounds: options.rounds, warmup: options.warmup });
    const { hitIds, ...worker } = await measureWorker(options.workerPort, photos, DEFAULT_PHOTO_HITS);
    await stopAll();

    const database = createDatabase(catalogue.config);
    try {
      const hitFetchMs = await measureHitFetch(database, hitIds);
      const indexSearch = await measureIndexOnly(context, catalogue, database);
      return { size, products: health.products, indexed: health.indexed, endToEnd, worker, indexSearch, hitFetchMs };
    } finally {
      await database.prisma.$disconnect();
    }
  } finally {
    await stopAll();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Times the index search alone on the index the worker saved, with the cached embeddings of the query photos. */
async function measureIndexOnly(context: Context, catalogue: BenchCatalogue, database: ReturnType<typeof createDatabase>) {
  const queries = readCachedEmbeddings(path.join(dataDir(), "features"), "queries");
  if (!queries) {
    context.log.warn("No cached query embeddings under <data dir>/features; skipping the index-only measurement");
    return null;
  }
  const { index } = await openVectorIndex(database.prisma, {
    modelId: context.modelId,
    dimension: queries.dimension,
    headerPath: vectorIndexPath(context.modelId, { ...process.env, STYLELENS_DATA_DIR: catalogue.dataDir }),
    logger: context.log,
  });
  const vectors = queries.ids.map((_, row) => queries.vectors.subarray(row * queries.dimension, (row + 1) * queries.dimension));
  return measureIndexSearch(index, vectors, DEFAULT_PHOTO_HITS, context.options.rounds);
}

// --- Report -------------------------------------------------------------------------

function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function taggingTables(report: TaggingReport): string {
  const { modelCost, peak } = report;
  const gflopsPerImage = modelCost.total.flops / 1e9;
  const lines = [
    "| threads | images | failed | wall s | images/s | CPU s | CPU ms/image | load avg start / end | GFLOP/s | of peak | of 128-bit peak |",
    "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ...report.runs.map((run) => {
      const achieved = run.imagesPerSecond * gflopsPerImage;
      return `| ${run.threads} | ${run.images} | ${run.failed} | ${fixed(run.wallSeconds)} | ${fixed(run.imagesPerSecond, 2)} | ${fixed(run.cpuSeconds)} | ${fixed(run.cpuMsPerImage, 0)} | ${fixed(run.loadAverage.start, 2)} / ${fixed(run.loadAverage.end, 2)} | ${fixed(achieved, 2)} | ${fixed((100 * achieved) / peak.peakGflops, 2)}% | ${fixed((100 * achieved) / peak.peak128Gflops, 2)}% |`;
    }),
    "",
    "| model part | MACs per image | GFLOPs per image |",
    "|---|---:|---:|",
    `| backbone (${modelCost.backbone.layers.length} conv layers) | ${modelCost.backbone.macs.toLocaleString("en")} | ${fixed(modelCost.backbone.flops / 1e9, 4)} |`,
    `| fusion heads (${modelCost.heads.layers.length} matrix products) | ${modelCost.heads.macs.toLocaleString("en")} | ${fixed(modelCost.heads.flops / 1e9, 4)} |`,
    `| total | ${modelCost.total.macs.toLocaleString("en")} | ${fixed(gflopsPerImage, 4)} |`,
    "",
    `Peak estimate: ${peak.cpu.cores} cores x ${peak.cpu.clockMhz} MHz (${peak.cpu.clockSource}) x ${peak.cpu.simdBits / 32} fp32 lanes x 2 (FMA: ${peak.cpu.hasFma}) x ${peak.fmaUnitsPerCore} FMA units = ${fixed(peak.peakGflops)} GFLOP/s; at 128-bit SIMD ${fixed(peak.peak128Gflops)} GFLOP/s.`,
    `Layer classes walked but not counted: ${modelCost.total.uncountedClasses.join(", ")}.`,
  ];
  if (report.cacheCheck) {
    const check = report.cacheCheck;
    lines.push(`Worker embeddings vs feature cache: ${check.compared} compared, min cosine ${check.minCosine.toFixed(6)}, max relative difference ${check.maxRelativeDifference.toExponential(2)}, ${check.notCached} not cached.`);
  }
  return lines.join("\n");
}

function latencyCells(summary: LatencySummary): string {
  return `${fixed(summary.p50)} | ${fixed(summary.p95)} | ${fixed(summary.p99)}`;
}

function searchTables(reports: SearchReport[]): string {
  const lines = [
    "| catalogue | indexed | measured | requests | errors | p50 ms | p95 ms | p99 ms | recall@1 | recall@1 any copy | load avg start / end |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const report of reports) {
    const { endToEnd: e2e, worker } = report;
    lines.push(
      `| ${report.size} | ${report.indexed} | client wall, POST /api/search/photo | ${e2e.requests} | ${e2e.errors} | ${latencyCells(e2e.wallMs)} | ${fixed(e2e.recallAt1, 3)} | ${fixed(e2e.recallAt1AnyCopy, 3)} | ${fixed(e2e.loadAverage.start, 2)} / ${fixed(e2e.loadAverage.end, 2)} |`,
      `| ${report.size} | | route tookMs | ${e2e.tookMs.count} | | ${latencyCells(e2e.tookMs)} | | | |`,
      `| ${report.size} | | client wall, worker /embed-search | ${worker.requests} | ${worker.errors} | ${latencyCells(worker.wallMs)} | | | ${fixed(worker.loadAverage.start, 2)} / ${fixed(worker.loadAverage.end, 2)} |`,
      `| ${report.size} | | worker tookMs (embed + index search) | ${worker.tookMs.count} | | ${latencyCells(worker.tookMs)} | | | |`,
    );
    if (report.indexSearch) {
      lines.push(`| ${report.size} | | index search alone, in process (CPU p50/p95/p99 ${latencyCells(report.indexSearch.cpuMs).replaceAll(" | ", "/")}) | ${report.indexSearch.wallMs.count} | | ${latencyCells(report.indexSearch.wallMs)} | | | |`);
    }
    lines.push(`| ${report.size} | | fetchHits alone, in process | ${report.hitFetchMs.count} | | ${latencyCells(report.hitFetchMs)} | | | |`);
  }
  return lines.join("\n");
}

// --- Main ---------------------------------------------------------------------------

function queryPhotoDir(dataset: string): string {
  const dir = path.join(dataset, "near-duplicates", "queries");
  if (!fs.existsSync(dir)) {
    throw new Error(`Query photos not found: ${dir} does not exist. Set STYLELENS_DATASET_DIR to a dataset folder with near-duplicates/queries/<id>.jpg.`);
  }
  return dir;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (!options) {
    console.log(HELP);
    return;
  }
  const dataset = datasetDir();
  const photoDir = options.search ? queryPhotoDir(dataset) : "";
  const modelId = configuredModelId();
  const modelDir = path.join(modelsDir(), modelId);
  const log = logger.child({ component: "bench-photo" });
  const context: Context = { options, datasetDir: dataset, modelId, modelDir, log };
  fs.mkdirSync(benchDir, { recursive: true });

  const machine = describeMachine();
  log.info({ ...machine, loadAverage: os.loadavg() }, "Starting photo benchmark");
  const backboneId = backboneConfigFromEnv().id;
  const cachedVectors = readCachedCatalogueEmbeddings(dataDir(), backboneId, dataset);
  if (!cachedVectors) log.warn({ backboneId }, "No cached catalogue embeddings; the 10k catalogue will be tagged by the worker");

  const saveResults = (partial: object) => fs.writeFileSync(resultsPath, `${JSON.stringify({ machine, options, ...partial }, null, 2)}\n`);
  const tagging = options.tagging ? await runTagging(context, cachedVectors) : null;
  saveResults({ tagging });
  // NOTE: only a run that includes the tagging part compares the cache with the worker's embeddings.
  if (tagging?.cacheCheck && tagging.cacheCheck.minCosine < SAME_VECTOR_COSINE) {
    throw new Error(
      `The cached embeddings differ from the worker's (min cosine ${tagging.cacheCheck.minCosine}), so the feature cache under data/features is stale: ` +
        "delete it and run npm run train to refill it, or leave it deleted so that the worker tags the 10k catalogue itself, then rerun with --rebuild",
    );
  }

  const search: SearchReport[] = [];
  if (options.search) {
    const photos = readQueryPhotos(photoDir);
    let built = false;
    for (const size of options.sizes) {
      // The 100k catalogue copies the 10k one's embeddings, so it is built after the 10k run, in which the worker tags what the cache lacked.
      const catalogue = await ensureCatalogue(context, size, cachedVectors);
      if (!built) await buildWebApp(catalogue, { root, distDir: DIST_DIR, webPort: options.webPort, workerPort: options.workerPort });
      built = true;
      search.push(await runSearch(context, size, catalogue, photos));
      saveResults({ tagging, search });
    }
  }

  console.log(`\nMachine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}`);
  if (tagging) console.log(`\n${taggingTables(tagging)}`);
  if (search.length > 0) console.log(`\n${searchTables(search)}`);
  console.log(`\nLoad average at the end: ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}; full results in ${path.relative(root, resultsPath)}`);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "Photo benchmark failed");
  process.stderr.write(`bench:photo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
