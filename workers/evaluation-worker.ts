/**
 * The evaluation worker process: runs evaluations started from the admin
 * evaluation page.
 *
 *   tsx workers/evaluation-worker.ts [--until-empty]
 *
 * It claims "evaluate" jobs one at a time, runs workers/evaluate.ts for each
 * and stores the report as the job's EvaluationRun (lib/evaluation/worker.ts).
 * SIGTERM or SIGINT kills the running evaluation, hands its job back to the
 * queue and exits with code 0.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { parseArgs } from "node:util";

import { closeDatabase, getDatabase } from "../lib/db/client";
import { runEvaluationWorker } from "../lib/evaluation/worker";
import { logger } from "../lib/logger";

const HELP = `Usage: tsx workers/evaluation-worker.ts [--until-empty]

Runs the evaluations started on /admin/evaluation until stopped with SIGTERM
or SIGINT.

Options:
  --until-empty  exit once no evaluation is waiting, instead of waiting for more
  --help         show this help

Environment: DATABASE_URL selects the database; STYLELENS_MODELS_DIR,
STYLELENS_BACKBONE_DIR and STYLELENS_DATA_DIR are passed on to the
evaluation command.`;

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
      logger.info({ signal }, "evaluation worker: stop requested");
      controller.abort();
    });
  }

  try {
    await runEvaluationWorker({
      database: getDatabase(),
      workerId: `evaluation-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      signal: controller.signal,
      untilEmpty: values["until-empty"],
    });
  } finally {
    await closeDatabase();
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, error instanceof Error ? error.message : "evaluation worker failed");
  process.exitCode = 1;
});
