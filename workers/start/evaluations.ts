import fs from "node:fs";
import path from "node:path";

import { getDatabase, type Db } from "../../lib/db/client";
import { parseEvaluationReportText } from "../../lib/evaluation/report-schema";
import { storeEvaluationReport } from "../../lib/evaluation/runs";
import { logger } from "../../lib/logger";
import { modelsDir } from "../../lib/vision/config";

/** Reports that `npm run evaluate` wrote for a shipped model, committed beside its weights. */
const REPORT_FILE_PATTERN = /^evaluation-[a-z]+\.json$/;

/**
 * Stores the shipped models' committed evaluation reports as evaluation runs
 * when the database has none yet, so /admin/evaluation shows the measured
 * quality of the running model on a fresh install. A report that fails
 * validation is logged and skipped; it never stops the shop from starting.
 * Returns the number of runs stored.
 */
export async function ensureShippedEvaluations(
  prisma: Db = getDatabase().prisma,
  root: string = modelsDir(),
): Promise<number> {
  if ((await prisma.evaluationRun.count()) > 0) return 0;
  if (!fs.existsSync(root)) return 0;

  let stored = 0;
  for (const modelId of fs.readdirSync(root).sort()) {
    const modelDir = path.join(root, modelId);
    if (!fs.statSync(modelDir).isDirectory()) continue;

    for (const name of fs.readdirSync(modelDir).filter((file) => REPORT_FILE_PATTERN.test(file)).sort()) {
      const file = path.join(modelDir, name);
      try {
        const report = parseEvaluationReportText(fs.readFileSync(file, "utf8"), file);
        const run = await storeEvaluationReport(prisma, report, { createdBy: null });
        stored += 1;
        logger.info({ runId: run.id, modelId: run.modelId, split: run.split, file }, "stored shipped evaluation report");
      } catch (error) {
        logger.error({ err: error, file }, "shipped evaluation report not stored");
      }
    }
  }
  return stored;
}
