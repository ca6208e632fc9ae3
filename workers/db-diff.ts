/**
 * Prints the SQL that takes a database to the current Prisma schema, for
 * writing a new migration offline:
 *
 *   npm run db:diff -- --provider sqlite [--from file:data/stylelens.db]
 *   npm run db:diff -- --provider postgresql --postgres-url postgresql://... [--from postgresql://...]
 *
 * Without --from the script starts from an empty database. Save the output
 * as prisma/migrations/<timestamp>_<name>/migration.sql (SQLite) or under
 * prisma/postgresql/migrations (PostgreSQL). On a connected machine
 * `prisma migrate dev` does the same job.
 */
import path from "node:path";
import { parseArgs } from "node:util";

import type { DatabaseProvider } from "../lib/db/config";
import { diffToSchema } from "../lib/db/schema-diff";

const { values } = parseArgs({
  options: {
    provider: { type: "string" },
    from: { type: "string" },
    "postgres-url": { type: "string" },
  },
});

const provider = values.provider as DatabaseProvider | undefined;
if (provider !== "sqlite" && provider !== "postgresql") {
  console.error(`Invalid --provider "${values.provider ?? ""}": use sqlite or postgresql`);
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, "..");
const schemaPath =
  provider === "sqlite"
    ? path.join(root, "prisma", "schema.prisma")
    : path.join(root, "prisma", "postgresql", "schema.prisma");

const sql = await diffToSchema({
  provider,
  schemaPath,
  fromDatabaseUrl: values.from,
  postgresUrl: values["postgres-url"],
});
process.stdout.write(sql);
