/**
 * The import worker process: runs merchants' bulk uploads in the background.
 *
 *   tsx workers/import-worker.ts [--until-empty]
 *
 * It claims "import-upload" jobs from the database queue one at a time and
 * imports them (lib/uploads/worker.ts). SIGTERM or SIGINT interrupts the
 * running import between chunks, hands its job back to the queue and exits
 * with code 0. Several workers may run at once; each job runs in one of them.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

import { closeDatabase, getDatabase } from "../lib/db/client";
import { logger } from "../lib/logger";
import { runImportWorker } from "../lib/uploads/worker";

const HELP = `Usage: tsx workers/import-worker.ts [--until-empty]

Runs the background imports of merchants' bulk uploads until stopped with
SIGTERM or SIGINT.

Options:
  --until-empty  exit once no upload is waiting, instead of waiting for more
  --help         show this help

Environment: DATABASE_URL selects the database, STYLELENS_DATA_DIR the folder
with uploads/, the image store and reports, STYLELENS_TAXONOMY_DIR the
DeepFashion attribute list.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { "until-empty": { type: "boolean", default: false }, help: { type: "boolean", default: false } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }

  const controller = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "import worker stopping: signal received");
      controller.abort();
    });
  }

  try {
    await runImportWorker({
      database: getDatabase(),
      workerId: `import-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      signal: controller.signal,
      untilEmpty: values["until-empty"],
    });
  } finally {
    await closeDatabase();
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, error instanceof Error ? error.message : "import worker failed");
  process.exitCode = 1;
});
