/**
 * Applies the SQL files in a Prisma migrations folder in order, recording
 * each in `_prisma_migrations` exactly as `prisma migrate deploy` does, so a
 * database migrated here stays usable with the standard CLI and vice versa.
 * It needs no schema engine, which the CLI cannot download offline.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import Sqlite from "better-sqlite3";
import pg from "pg";

import type { DatabaseConfig, DatabaseProvider } from "./config";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export function migrationsFolder(root: string, provider: DatabaseProvider): string {
  return provider === "sqlite"
    ? path.join(root, "prisma", "migrations")
    : path.join(root, "prisma", "postgresql", "migrations");
}

export function readMigrations(folder: string): MigrationFile[] {
  if (!fs.existsSync(folder)) {
    throw new Error(`Migrations folder not found: ${folder}`);
  }
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(folder, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface MigrationStore {
  ensureTable(): Promise<void>;
  appliedChecksums(): Promise<Map<string, string>>;
  apply(migration: MigrationFile): Promise<void>;
  close(): Promise<void>;
}

export async function applyMigrations(config: DatabaseConfig, folder: string): Promise<MigrationResult> {
  const migrations = readMigrations(folder);
  const store = config.provider === "sqlite" ? openSqliteStore(config) : await openPostgresStore(config);

  try {
    await store.ensureTable();
    const applied = await store.appliedChecksums();
    const result: MigrationResult = { applied: [], alreadyApplied: [] };

    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied (checksum differs). ` +
              "Restore the original file and put the change in a new migration.",
          );
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await store.apply(migration);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await store.close();
  }
}

function openSqliteStore(config: DatabaseConfig): MigrationStore {
  const sqlitePath = config.sqlitePath as string;
  fs.mkdirSync(path.dirname(sqlitePath), { recursive: true });
  const db = new Sqlite(sqlitePath, { timeout: 15_000 });
  // WAL lets the web server read while the worker writes; the mode persists in the file.
  db.pragma("journal_mode = WAL");

  return {
    async ensureTable() {
      db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "checksum" TEXT NOT NULL,
        "finished_at" DATETIME,
        "migration_name" TEXT NOT NULL,
        "logs" TEXT,
        "rolled_back_at" DATETIME,
        "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
        "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
      )`);
    },
    async appliedChecksums() {
      const rows = db
        .prepare(
          `SELECT migration_name, checksum FROM "_prisma_migrations"
           WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        )
        .all() as { migration_name: string; checksum: string }[];
      return new Map(rows.map((row) => [row.migration_name, row.checksum]));
    },
    async apply(migration) {
      const run = db.transaction(() => {
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, current_timestamp, ?, current_timestamp, 1)`,
        ).run(randomUUID(), migration.checksum, migration.name);
      });
      run();
    },
    async close() {
      db.close();
    },
  };
}

async function openPostgresStore(config: DatabaseConfig): Promise<MigrationStore> {
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();

  return {
    async ensureTable() {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
    },
    async appliedChecksums() {
      const { rows } = await client.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM "_prisma_migrations"
         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      return new Map(rows.map((row) => [row.migration_name, row.checksum]));
    },
    async apply(migration) {
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
    async close() {
      await client.end();
    },
  };
}
