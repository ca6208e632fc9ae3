/**
 * Measures keyword search latency in-process: `npm run bench:search -- --help`.
 *
 * It builds (or reuses) two benchmark catalogues: the dataset imported with
 * the importer (about 10k products), and a copy replicated tenfold in SQL,
 * with new SKUs and the same image keys (about 100k products). SQLite files
 * live under data/bench/; PostgreSQL databases go on the server given by
 * --postgres-url. It then runs a fixed mix of queries through searchProducts,
 * warm-up rounds first, and prints latency percentiles per query type and a
 * Markdown table.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import pg from "pg";

import { CATALOGUE_REPLICATION_FACTOR, catalogueIdOffset, insertProductCopies } from "../lib/benchmarks/catalogue-copies";
import { importDataset } from "../lib/catalogue/importer";
import { bumpCatalogueRevision } from "../lib/catalogue/revision";
import { datasetDir } from "../lib/config";
import { createDatabase, type Database } from "../lib/db/client";
import type { DatabaseConfig, DatabaseProvider } from "../lib/db/config";
import { redactUrl } from "../lib/db/config";
import { applyMigrations, migrationsFolder } from "../lib/db/migrate";
import { logger } from "../lib/logger";
import { searchProducts } from "../lib/search";
import { clearFacetIndexCache } from "../lib/search/facet-index-cache";
import { clearTextMatchCache } from "../lib/search/text-match-cache";
import type { SearchRequest } from "../lib/search/types";

const HELP = `Usage: npm run bench:search -- [options]

Options:
  --size 10k|100k|all     catalogue sizes to measure (default: all)
  --provider sqlite|postgresql
                          database to measure (default: sqlite)
  --postgres-url URL      PostgreSQL server for --provider postgresql; the
                          benchmark creates databases stylelens_bench_10k and
                          stylelens_bench_100k there
  --iterations N          measured rounds of the query mix (default: 30)
  --warmup N              unmeasured rounds before them (default: 3)
  --rebuild               rebuild the benchmark catalogues instead of reusing them
  --help                  show this help

The 10k catalogue is imported from STYLELENS_DATASET_DIR (default
../shared/datasets/fashion-products) into data/bench/, images included;
the first run takes several minutes.`;

const root = path.resolve(import.meta.dirname, "..");
const benchDir = path.join(root, "data", "bench");

/** Copies of the imported catalogue in the large variant, the original included. */
const REPLICATION_FACTOR = CATALOGUE_REPLICATION_FACTOR;

interface BenchOptions {
  sizes: ("10k" | "100k")[];
  provider: DatabaseProvider;
  postgresUrl: string | undefined;
  iterations: number;
  warmup: number;
  rebuild: boolean;
}

function readOptions(args: string[]): BenchOptions | null {
  const { values } = parseArgs({
    args,
    options: {
      size: { type: "string", default: "all" },
      provider: { type: "string", default: "sqlite" },
      "postgres-url": { type: "string" },
      iterations: { type: "string", default: "30" },
      warmup: { type: "string", default: "3" },
      rebuild: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;

  const sizes = { "10k": ["10k"], "100k": ["100k"], all: ["10k", "100k"] }[values.size] as BenchOptions["sizes"];
  if (!sizes) throw new Error(`Invalid --size "${values.size}": use 10k, 100k or all`);
  if (values.provider !== "sqlite" && values.provider !== "postgresql") {
    throw new Error(`Invalid --provider "${values.provider}": use sqlite or postgresql`);
  }
  if (values.provider === "postgresql" && !values["postgres-url"]) {
    throw new Error("--provider postgresql needs --postgres-url postgresql://USER@127.0.0.1:PORT/postgres");
  }
  return {
    sizes,
    provider: values.provider,
    postgresUrl: values["postgres-url"],
    iterations: wholeNumber("--iterations", values.iterations),
    warmup: wholeNumber("--warmup", values.warmup, 0),
    rebuild: values.rebuild,
  };
}

function wholeNumber(option: string, raw: string, min = 1): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`Invalid ${option} "${raw}": use a whole number of at least ${min}`);
  return Number(raw);
}

// --- Building the benchmark catalogues -------------------------------------

/** Returns the connection settings of one benchmark catalogue. */
function benchConfig(options: BenchOptions, size: "10k" | "100k"): DatabaseConfig {
  if (options.provider === "sqlite") {
    const sqlitePath = path.join(benchDir, `search-${size}.db`);
    return { provider: "sqlite", url: `file:${sqlitePath}`, sqlitePath };
  }
  const url = new URL(options.postgresUrl!);
  url.pathname = `/stylelens_bench_${size}`;
  return { provider: "postgresql", url: url.toString() };
}

/** Returns the path of the marker written after a catalogue is complete, so an interrupted build is redone. */
function markerPath(config: DatabaseConfig): string {
  const name = config.provider === "sqlite" ? path.basename(config.sqlitePath!) : new URL(config.url).pathname.slice(1);
  return path.join(benchDir, `${name}.${config.provider}.complete`);
}

async function withAdminClient<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Deletes a benchmark catalogue; a PostgreSQL one is created again empty, from `template` when given. */
async function resetCatalogue(options: BenchOptions, config: DatabaseConfig, template?: DatabaseConfig): Promise<void> {
  fs.rmSync(markerPath(config), { force: true });
  if (config.provider === "sqlite") {
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${config.sqlitePath}${suffix}`, { force: true });
    return;
  }
  const name = new URL(config.url).pathname.slice(1);
  const templateName = template ? new URL(template.url).pathname.slice(1) : null;
  await withAdminClient(options.postgresUrl!, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(templateName ? `CREATE DATABASE "${name}" TEMPLATE "${templateName}"` : `CREATE DATABASE "${name}"`);
  });
}

async function buildImportedCatalogue(options: BenchOptions, config: DatabaseConfig): Promise<void> {
  await resetCatalogue(options, config);
  await applyMigrations(config, migrationsFolder(root, config.provider));
  const database = createDatabase(config);
  try {
    console.log(`Importing the dataset into ${describeConfig(config)} (images included; several minutes)...`);
    const summary = await importDataset({
      database,
      datasetDir: datasetDir(),
      imageStoreDir: path.join(benchDir, "images"),
      reportsDir: path.join(benchDir, "reports"),
    });
    console.log(`Imported ${summary.imported} products in ${(summary.durationMs / 1000).toFixed(0)} s`);
  } finally {
    await database.prisma.$disconnect();
  }
  fs.writeFileSync(markerPath(config), new Date().toISOString());
}

/**
 * Makes the large catalogue from the imported one: copies it, then inserts
 * REPLICATION_FACTOR - 1 more copies of every product, image, attribute and
 * search document with ids shifted by a multiple of the largest product id.
 */
async function buildReplicatedCatalogue(options: BenchOptions, source: DatabaseConfig, config: DatabaseConfig) {
  console.log(`Replicating ${describeConfig(source)} ${REPLICATION_FACTOR}x into ${describeConfig(config)}...`);
  const started = performance.now();

  if (config.provider === "sqlite") {
    await resetCatalogue(options, config);
    const sourceDatabase = createDatabase(source);
    try {
      // VACUUM INTO writes a consistent copy, WAL contents included.
      await sourceDatabase.prisma.$executeRawUnsafe(`VACUUM INTO '${config.sqlitePath!.replaceAll("'", "''")}'`);
    } finally {
      await sourceDatabase.prisma.$disconnect();
    }
  } else {
    await resetCatalogue(options, config, source);
  }

  const database = createDatabase(config);
  try {
    await replicateRows(database);
  } finally {
    await database.prisma.$disconnect();
  }
  fs.writeFileSync(markerPath(config), new Date().toISOString());
  console.log(`Replicated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

async function replicateRows(database: Database): Promise<void> {
  const { prisma, provider } = database;
  const offset = await catalogueIdOffset(database);
  const attributeColumns = `"attributeId", "source", "score", "verified", "createdAt", "updatedAt"`;

  await prisma.$transaction(
    async (tx) => {
      for (let copy = 1; copy < REPLICATION_FACTOR; copy++) {
        const shift = copy * offset;
        await insertProductCopies(tx, offset, copy);
        await tx.$executeRawUnsafe(`
          INSERT INTO "ProductAttribute" ("productId", ${attributeColumns})
          SELECT "productId" + ${shift}, ${attributeColumns} FROM "ProductAttribute" WHERE "productId" <= ${offset}`);
        await tx.$executeRawUnsafe(
          provider === "sqlite"
            ? `INSERT INTO "ProductSearch" (rowid, title, brand, category, attributes)
               SELECT rowid + ${shift}, title, brand, category, attributes FROM "ProductSearch" WHERE rowid <= ${offset}`
            : `INSERT INTO "ProductSearch" ("productId", "document")
               SELECT "productId" + ${shift}, "document" FROM "ProductSearch" WHERE "productId" <= ${offset}`,
        );
      }
      if (provider === "postgresql") {
        // Explicit ids leave the sequence behind; later inserts would collide without this.
        await tx.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"Product"', 'id'), (SELECT MAX("id") FROM "Product"))`);
      }
      await bumpCatalogueRevision(tx);
    },
    { timeout: 30 * 60_000 },
  );
  if (provider === "postgresql") await prisma.$executeRawUnsafe(`ANALYZE`);
}

async function ensureCatalogues(options: BenchOptions): Promise<void> {
  fs.mkdirSync(benchDir, { recursive: true });
  const small = benchConfig(options, "10k");
  const large = benchConfig(options, "100k");
  const smallReady = !options.rebuild && fs.existsSync(markerPath(small));
  if (!smallReady) await buildImportedCatalogue(options, small);
  if (options.sizes.includes("100k") && (!smallReady || options.rebuild || !fs.existsSync(markerPath(large)))) {
    await buildReplicatedCatalogue(options, small, large);
  }
}

function describeConfig(config: DatabaseConfig): string {
  return config.provider === "sqlite" ? path.relative(root, config.sqlitePath!) : redactUrl(config.url);
}

// --- The query mix -----------------------------------------------------------

interface QueryCase {
  type: string;
  request: Partial<SearchRequest>;
}

/** A typical mix for a clothing shop: browsing, facet clicks, short queries, typing prefixes, deep pages. */
const QUERY_MIX: QueryCase[] = [
  { type: "browse (no q, no filter)", request: {} },
  { type: "browse (no q, no filter)", request: { sort: "newest", page: 2 } },
  { type: "1 facet filter", request: { filters: { category: ["Tshirts"] } } },
  { type: "1 facet filter", request: { filters: { gender: ["Women"] } } },
  { type: "1 facet filter", request: { filters: { texture: ["striped"] } } },
  { type: "3 facet filters", request: { filters: { gender: ["Men"], colour: ["Blue", "Navy Blue"], usage: ["Casual"] } } },
  {
    type: "3 facet filters",
    request: { filters: { masterCategory: ["Footwear"], gender: ["Women"], season: ["Summer", "Fall"] } },
  },
  { type: "one word", request: { q: "shirt" } },
  { type: "one word", request: { q: "watch" } },
  { type: "one word", request: { q: "black" } },
  { type: "one word", request: { q: "kurta" } },
  { type: "two words", request: { q: "blue shirt" } },
  { type: "two words", request: { q: "women heels" } },
  { type: "two words", request: { q: "casual shoes" } },
  { type: "prefix", request: { q: "stri shi" } },
  { type: "prefix", request: { q: "sho" } },
  { type: "prefix", request: { q: "wat" } },
  { type: "word + 2 facet filters", request: { q: "shirt", filters: { gender: ["Men"], colour: ["Blue", "White"] } } },
  {
    type: "word + 3 facet filters",
    request: { q: "shoes", filters: { masterCategory: ["Footwear"], gender: ["Women", "Men"], season: ["Summer"] } },
  },
  { type: "deep page", request: { page: 200 } },
  { type: "deep page", request: { q: "men", page: 100 } },
  { type: "other sorts", request: { q: "shirt", sort: "title:asc" } },
  { type: "other sorts", request: { filters: { category: ["Watches"] }, sort: "year:desc" } },
  { type: "other sorts", request: { q: "black", sort: "title:desc", page: 3 } },
];

function toRequest(partial: Partial<SearchRequest>): SearchRequest {
  return { q: "", filters: {}, sort: "relevance", page: 1, hitsPerPage: 24, ...partial };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

interface Sample {
  /** Wall-clock milliseconds of one searchProducts call. */
  wallMs: number;
  /** CPU milliseconds this process spent in the call (SQLite runs in-process; PostgreSQL's own CPU is not counted). */
  cpuMs: number;
  matches: number;
}

interface Row {
  type: string;
  runs: number;
  medianMatches: number;
  p50: number;
  p95: number;
  p99: number;
  cpuP50: number;
  cpuP95: number;
}

function summarise(type: string, samples: readonly Sample[]): Row {
  const sortedBy = (key: keyof Sample) => samples.map((sample) => sample[key]).sort((a, b) => a - b);
  const wall = sortedBy("wallMs");
  const cpu = sortedBy("cpuMs");
  return {
    type,
    runs: samples.length,
    medianMatches: percentile(sortedBy("matches"), 50),
    p50: percentile(wall, 50),
    p95: percentile(wall, 95),
    p99: percentile(wall, 99),
    cpuP50: percentile(cpu, 50),
    cpuP95: percentile(cpu, 95),
  };
}

/**
 * The text-match cache state while measuring. "cold" clears it before every
 * query, as if every query were new. "warm" keeps it, as when a shopper
 * pages, sorts or ticks facets on the same q.
 */
type CacheMode = "cold" | "warm";
const CACHE_MODES: readonly CacheMode[] = ["cold", "warm"];

async function measure(options: BenchOptions, size: "10k" | "100k"): Promise<Map<CacheMode, Row[]>> {
  const config = benchConfig(options, size);
  const database = createDatabase(config);
  try {
    const products = await database.prisma.product.count({ where: { status: "published" } });
    clearFacetIndexCache(database);
    const loadStarted = performance.now();
    await searchProducts(toRequest({}), database);
    const loadMs = performance.now() - loadStarted;
    console.log(
      `\n${size} (${products} published products, ${options.provider}): first search, facet index load included: ${loadMs.toFixed(0)} ms; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );

    const results = new Map<CacheMode, Row[]>();
    for (const mode of CACHE_MODES) {
      results.set(mode, await runMix(database, options, mode));
    }
    return results;
  } finally {
    await database.prisma.$disconnect();
  }
}

async function runMix(database: Database, options: BenchOptions, mode: CacheMode): Promise<Row[]> {
  const runQuery = async (query: QueryCase): Promise<Sample> => {
    if (mode === "cold") clearTextMatchCache(database);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const response = await searchProducts(toRequest(query.request), database);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, matches: response.estimatedTotalHits };
  };

  for (let round = 0; round < options.warmup; round++) {
    for (const query of QUERY_MIX) await runQuery(query);
  }

  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < options.iterations; round++) {
    for (const query of QUERY_MIX) {
      const sample = await runQuery(query);
      const list = samples.get(query.type) ?? [];
      list.push(sample);
      samples.set(query.type, list);
    }
  }

  const rows = [...samples].map(([type, list]) => summarise(type, list));
  rows.push(summarise("all queries", [...samples.values()].flat()));
  return rows;
}

function markdownTable(title: string, rows: readonly Row[]): string {
  const lines = [
    `| ${title} | runs | median matches | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p95 ms |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((row) =>
      [row.type, row.runs, row.medianMatches, row.p50, row.p95, row.p99, row.cpuP50, row.cpuP95]
        .map((value) => (typeof value === "number" && !Number.isInteger(value) ? value.toFixed(1) : String(value)))
        .join(" | "),
    ).map((line) => `| ${line} |`),
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (!options) {
    console.log(HELP);
    return;
  }

  await ensureCatalogues(options);
  // Reloads and slow-query logs would interleave with the results.
  logger.level = process.env.LOG_LEVEL ?? "warn";

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`Machine: ${cpu}, ${os.cpus().length} cores, load average ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}`);
  console.log(`Node ${process.version}; ${options.warmup} warm-up and ${options.iterations} measured rounds of ${QUERY_MIX.length} queries`);

  const tables: string[] = [];
  for (const size of options.sizes) {
    const results = await measure(options, size);
    for (const [mode, rows] of results) {
      const title = `${size}, ${options.provider}, ${mode} text cache`;
      tables.push(markdownTable(title, rows));
      console.log(`\n${title}`);
      console.table(rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === "number" ? +value.toFixed(1) : value]))));
    }
  }
  console.log(`\nLoad average after the run: ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}\n`);
  console.log(tables.join("\n\n"));
}

await main();
