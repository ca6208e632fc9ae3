/**
 * Applies pending migrations to DATABASE_URL (SQLite by default) without the
 * Prisma schema engine: `npm run db:migrate`.
 */
import path from "node:path";

import { readDatabaseConfig, redactUrl } from "../lib/db/config";
import { applyMigrations, migrationsFolder } from "../lib/db/migrate";
import { logger } from "../lib/logger";

const root = path.resolve(import.meta.dirname, "..");
const config = readDatabaseConfig();
const result = await applyMigrations(config, migrationsFolder(root, config.provider));
logger.info(
  { database: redactUrl(config.url), applied: result.applied, alreadyApplied: result.alreadyApplied.length },
  result.applied.length > 0 ? "applied migrations" : "database schema is up to date",
);
