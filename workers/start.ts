/**
 * The main command (`npm start`): prepares the embedded default and runs the
 * shop.
 *
 * 1. Applies pending database migrations (SQLite file under data/ unless
 *    DATABASE_URL names another database).
 * 2. On first run, imports the catalogue from STYLELENS_DATASET_DIR.
 * 3. On first run, stores the shipped model's evaluation reports as runs for
 *    the admin evaluation page.
 * 4. Builds the Next.js app when the sources changed since the last build.
 * 5. Starts the web server and the background workers, and stops them
 *    cleanly on SIGINT or SIGTERM.
 */
import path from "node:path";

import { readDatabaseConfig, redactUrl } from "../lib/db/config";
import { applyMigrations, migrationsFolder } from "../lib/db/migrate";
import { logger } from "../lib/logger";
import { ensureCatalogue } from "./start/catalogue";
import { ensureShippedEvaluations } from "./start/evaluations";
import { buildIfStale } from "./start/build";
import { startProcesses } from "./start/processes";
import { port } from "../lib/config";

const root = path.resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  const database = readDatabaseConfig();
  const migrations = await applyMigrations(database, migrationsFolder(root, database.provider));
  logger.info(
    { database: redactUrl(database.url), applied: migrations.applied },
    migrations.applied.length > 0 ? "applied migrations" : "database schema is up to date",
  );

  await ensureCatalogue();
  await ensureShippedEvaluations();
  await buildIfStale(root);

  const host = process.env.HOSTNAME?.trim() || "127.0.0.1";
  await startProcesses(root, { host, port: port() });
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, error instanceof Error ? error.message : "start failed");
  process.exitCode = 1;
});
