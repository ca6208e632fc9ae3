/**
 * Imports a catalogue folder into the database:
 * `npm run import:catalogue -- [--dataset DIR] [--limit N]`.
 * The database must be migrated first (`npm run db:migrate`).
 */
import { parseArgs } from "node:util";

import { importDataset, type ImportSummary } from "../lib/catalogue/importer";
import { datasetDir } from "../lib/config";
import { closeDatabase, getDatabase } from "../lib/db/client";

const HELP = `Usage: npm run import:catalogue -- [--dataset DIR] [--limit N]

Imports products from a folder in the Kaggle "Fashion Product Images" layout
(styles.csv and images/<id>.jpg) into the merchant "stylelens-demo". Running
it again updates changed rows and leaves the others as they are.

Options:
  --dataset DIR  folder with styles.csv and images/ (default: STYLELENS_DATASET_DIR,
                 else ../shared/datasets/fashion-products)
  --limit N      import only the first N rows of styles.csv
  --help         show this help

Environment: DATABASE_URL selects the database, STYLELENS_DATA_DIR the folder
for images and reports, STYLELENS_TAXONOMY_DIR the DeepFashion attribute list.`;

interface CliOptions {
  dataset: string | undefined;
  limit: number | undefined;
  help: boolean;
}

function readOptions(args: string[]): CliOptions {
  const { values } = parseArgs({
    args,
    options: {
      dataset: { type: "string" },
      limit: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });

  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!/^\d+$/.test(values.limit) || limit < 1) {
      throw new Error(`Invalid --limit "${values.limit}": use a whole number of rows, at least 1`);
    }
  }
  return { dataset: values.dataset, limit, help: values.help ?? false };
}

function formatSummary(summary: ImportSummary): string {
  return [
    `Imported catalogue from ${summary.datasetDir} (batch ${summary.batchId}) in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  rows:      ${summary.rowsTotal}`,
    `  imported:  ${summary.imported}`,
    `  updated:   ${summary.updated}`,
    `  unchanged: ${summary.unchanged}`,
    `  skipped:   ${summary.skipped}`,
    `Report: ${summary.reportPath}`,
  ].join("\n");
}

/** Formats an error as one line. A missing table means the database was never migrated, so the message names the fix. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "P2021" || /no such table|relation .* does not exist/i.test(message)) {
    return `Database is not migrated: run npm run db:migrate first (${message.split("\n")[0]})`;
  }
  return message.replace(/\s*\n\s*/g, " ");
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return 0;
  }

  const dir = options.dataset ?? datasetDir();
  try {
    const summary = await importDataset({ database: getDatabase(), datasetDir: dir, limit: options.limit });
    console.log(formatSummary(summary));
    return 0;
  } finally {
    await closeDatabase();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`import:catalogue: ${describeError(error)}`);
  process.exitCode = 1;
}
