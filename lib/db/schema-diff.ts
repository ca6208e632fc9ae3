/**
 * Computes migration SQL offline with Prisma's schema engine compiled to wasm
 * (@prisma/schema-engine-wasm, the build that matches Prisma 7.10). The
 * native engine that `prisma migrate dev` uses cannot be downloaded on a
 * closed network; this produces the same SQL for the same schemas.
 */
import fs from "node:fs";
import { createRequire } from "node:module";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

import type { DatabaseProvider } from "./config";

interface SchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout?: string | null }>;
  free(): void;
}

interface SchemaEngineModule {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: { new: (options: unknown, log: (line: string) => void, adapter: object) => Promise<SchemaEngine> };
}

const require = createRequire(import.meta.url);

async function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  // The package's own entry imports the .wasm file as an ES module, which
  // Node 20 cannot do, so the bindings are wired to the wasm instance here.
  const jsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = jsPath.replace(/\.js$/, ".wasm");
  const bindings = (await import(jsPath)) as SchemaEngineModule & WebAssembly.ModuleImports;
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), {
    "./schema_engine_bg.js": bindings,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings;
}

export interface DiffOptions {
  provider: DatabaseProvider;
  schemaPath: string;
  /**
   * A database that holds the current state (all existing migrations applied).
   * Undefined diffs from an empty database, for the first migration.
   */
  fromDatabaseUrl?: string;
  /** A PostgreSQL server to connect the engine to; required for PostgreSQL. */
  postgresUrl?: string;
}

/** Returns the SQL script that takes the `from` state to the schema file. */
export async function diffToSchema(options: DiffOptions): Promise<string> {
  const schema = fs.readFileSync(options.schemaPath, "utf8");
  const factory =
    options.provider === "sqlite"
      ? new PrismaBetterSqlite3({ url: options.fromDatabaseUrl?.replace(/^file:/, "") ?? ":memory:" })
      : new PrismaPg({ connectionString: options.fromDatabaseUrl ?? requirePostgresUrl(options.postgresUrl) });

  const { SchemaEngine } = await loadSchemaEngineModule();
  const engine = await SchemaEngine.new(
    { datamodels: [[options.schemaPath, schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(factory),
  );

  try {
    const from = options.fromDatabaseUrl ? { tag: "url", url: options.fromDatabaseUrl } : { tag: "empty" };
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: options.schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? "";
  } finally {
    engine.free();
  }
}

function requirePostgresUrl(url: string | undefined): string {
  if (!url) {
    throw new Error("Diffing the PostgreSQL schema needs a running server: pass --postgres-url postgresql://...");
  }
  return url;
}
