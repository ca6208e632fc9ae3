import { defineConfig } from "prisma/config";

// Standard Prisma CLI configuration for PostgreSQL. Run the CLI with
// `--config prisma/postgresql/prisma.config.ts` and DATABASE_URL set to a
// postgresql:// URL.
export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/stylelens" },
});
