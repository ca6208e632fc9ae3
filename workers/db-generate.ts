/**
 * Generates the Prisma clients for SQLite and PostgreSQL.
 *
 * prisma/schema.prisma is the source of truth; the PostgreSQL schema is
 * derived from it here (provider and output folder differ) so the two never
 * drift. Generation runs offline: client generation itself is wasm, and the
 * CLI only checks that a schema engine file exists, so it is pointed at a
 * placeholder when no engine was downloaded.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { derivePostgresSchema } from "../lib/db/schema-variants";

const root = path.resolve(import.meta.dirname, "..");
const sqliteSchemaPath = path.join(root, "prisma", "schema.prisma");
const postgresSchemaPath = path.join(root, "prisma", "postgresql", "schema.prisma");

const derived = derivePostgresSchema(fs.readFileSync(sqliteSchemaPath, "utf8"));
if (!fs.existsSync(postgresSchemaPath) || fs.readFileSync(postgresSchemaPath, "utf8") !== derived) {
  fs.writeFileSync(postgresSchemaPath, derived);
  console.log(`wrote ${path.relative(root, postgresSchemaPath)}`);
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}

const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");
for (const config of ["prisma.config.ts", path.join("prisma", "postgresql", "prisma.config.ts")]) {
  execFileSync(process.execPath, [prismaCli, "generate", "--config", config], {
    cwd: root,
    env,
    stdio: "inherit",
  });
}
