import fs from "node:fs";
import path from "node:path";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient as PostgresPrismaClient } from "../generated/postgresql/client";
import { PrismaClient as SqlitePrismaClient } from "../generated/sqlite/client";
import { readDatabaseConfig, type DatabaseConfig, type DatabaseProvider } from "./config";

/**
 * The application's Prisma client. Both generated clients come from the same
 * schema and expose the same model API, so the SQLite client's type stands for
 * both; raw SQL must branch on `provider` where the dialects differ.
 */
export type Db = SqlitePrismaClient;

export interface Database {
  provider: DatabaseProvider;
  prisma: Db;
}

/** Waiting time for a locked SQLite file before a write fails, in ms. */
const SQLITE_BUSY_TIMEOUT_MS = 15_000;

export function createDatabase(config: DatabaseConfig = readDatabaseConfig()): Database {
  if (config.provider === "sqlite") {
    const sqlitePath = config.sqlitePath as string;
    fs.mkdirSync(path.dirname(sqlitePath), { recursive: true });
    const adapter = new PrismaBetterSqlite3({ url: sqlitePath, timeout: SQLITE_BUSY_TIMEOUT_MS });
    return { provider: "sqlite", prisma: new SqlitePrismaClient({ adapter }) };
  }

  const adapter = new PrismaPg({ connectionString: config.url });
  const prisma = new PostgresPrismaClient({ adapter }) as unknown as Db;
  return { provider: "postgresql", prisma };
}

// One client per process, kept across Next.js dev reloads.
const globalForDb = globalThis as unknown as { stylelensDatabase?: Database };

export function getDatabase(): Database {
  globalForDb.stylelensDatabase ??= createDatabase();
  return globalForDb.stylelensDatabase;
}

export async function closeDatabase(): Promise<void> {
  const database = globalForDb.stylelensDatabase;
  globalForDb.stylelensDatabase = undefined;
  await database?.prisma.$disconnect();
}
