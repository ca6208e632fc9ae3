import path from "node:path";
import { defineConfig } from "prisma/config";

import { readDatabaseConfig } from "./lib/db/config";

// Standard Prisma CLI configuration for the embedded SQLite default.
// PostgreSQL uses prisma/postgresql/prisma.config.ts.
const database = readDatabaseConfig();

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  datasource: { url: database.provider === "sqlite" ? database.url : "file:./data/stylelens.db" },
});
