/**
 * `npm run evaluation:store -- FILE.json [--created-by USER_ID]`: validates a
 * report written by `npm run evaluate` and stores it as a done EvaluationRun,
 * the same row an evaluation started from /admin/evaluation produces.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";

import { closeDatabase, getDatabase } from "../lib/db/client";
import { InvalidEvaluationReportError, parseEvaluationReportText } from "../lib/evaluation/report-schema";
import { storeEvaluationReport } from "../lib/evaluation/runs";
import { logger } from "../lib/logger";

const HELP = `Usage: npm run evaluation:store -- FILE.json [--created-by USER_ID]

Stores the JSON report of \`npm run evaluate\` as an evaluation run in the
database selected by DATABASE_URL; the run then appears on /admin/evaluation.

Options:
  --created-by ID  user id recorded as the run's creator (default: none)
  --help           show this help`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { "created-by": { type: "string" }, help: { type: "boolean", default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`Expected one report file, got ${positionals.length}.\n\n${HELP}\n`);
    process.exitCode = 2;
    return;
  }

  const file = positionals[0]!;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    process.stderr.write(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }

  try {
    const report = parseEvaluationReportText(text, file);
    const run = await storeEvaluationReport(getDatabase().prisma, report, { createdBy: values["created-by"] ?? null });
    logger.info({ runId: run.id, modelId: run.modelId, split: run.split, images: run.imageCount, file }, "evaluation run stored");
    process.stdout.write(`Stored evaluation run ${run.id} (${run.modelId}, ${run.split}, ${run.imageCount} images).\n`);
  } catch (error) {
    if (!(error instanceof InvalidEvaluationReportError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } finally {
    await closeDatabase();
  }
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, error instanceof Error ? error.message : "storing the evaluation report failed");
  process.exitCode = 1;
});
