/**
 * Fresh, migrated databases for integration tests: a temporary SQLite file,
 * or a new database on the PostgreSQL test server from tests/setup/postgres.ts.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import { inject } from "vitest";

import { createDatabase, type Database } from "@/lib/db/client";
import type { DatabaseConfig, DatabaseProvider } from "@/lib/db/config";
import { applyMigrations, migrationsFolder } from "@/lib/db/migrate";

const root = path.resolve(import.meta.dirname, "..", "..");

export interface TestDatabase extends Database {
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/** The providers to run integration tests on; PostgreSQL only when a server is available. */
export function testProviders(): DatabaseProvider[] {
  return inject("postgresUrl") ? ["sqlite", "postgresql"] : ["sqlite"];
}

export async function createTestDatabase(provider: DatabaseProvider): Promise<TestDatabase> {
  const config = provider === "sqlite" ? sqliteConfig() : await postgresConfig();
  await applyMigrations(config, migrationsFolder(root, provider));
  const database = createDatabase(config);

  return {
    ...database,
    config,
    async drop() {
      await database.prisma.$disconnect();
      if (config.provider === "sqlite") {
        fs.rmSync(path.dirname(config.sqlitePath as string), { recursive: true, force: true });
      } else {
        await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${databaseName(config.url)}" WITH (FORCE)`));
      }
    },
  };
}

function sqliteConfig(): DatabaseConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-sqlite-"));
  const sqlitePath = path.join(dir, "test.db");
  return { provider: "sqlite", url: `file:${sqlitePath}`, sqlitePath };
}

async function postgresConfig(): Promise<DatabaseConfig> {
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { provider: "postgresql", url: url.toString() };
}

function adminUrl(): string {
  const url = inject("postgresUrl");
  if (!url) throw new Error("No PostgreSQL test server: install the postgresql package or set STYLELENS_TEST_POSTGRES_URL");
  return url;
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

async function withAdminClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
