/**
 * GET /api/admin/evaluations: the latest evaluation runs, newest first.
 * POST /api/admin/evaluations: starts an evaluation in the background. Body
 * `{ dataset, split?, modelId? }`; returns 202 with the queued run and its
 * job id. Admins only.
 */
import { jsonError, jsonOk, readJsonObject } from "@/lib/auth/http";
import { withRole } from "@/lib/auth/api-guard";
import { checkDatasetFolder, checkModelFolder, enqueueEvaluation, startEvaluationSchema } from "@/lib/evaluation/evaluation-job";
import { listEvaluationRuns } from "@/lib/evaluation/runs";
import { logger } from "@/lib/logger";
import { modelsDir } from "@/lib/vision/config";

export const dynamic = "force-dynamic";

const BODY_HINT = 'Send a JSON object such as {"dataset": "/srv/catalogue", "split": "validation"}.';

export const GET = withRole(["admin"], async (_request, { database, requestId }) => {
  const runs = await listEvaluationRuns(database.prisma);
  return jsonOk({ runs }, requestId);
});

export const POST = withRole(["admin"], async (request, { database, requestId, user }) => {
  const body = await readJsonObject(request, 4096, BODY_HINT);
  if (!body.ok) return jsonError(400, "invalid_body", body.message, requestId);

  const parsed = startEvaluationSchema.safeParse(body.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`);
    return jsonError(422, "invalid_request", `Invalid evaluation request: ${issues.join("; ")}`, requestId, { details: { issues } });
  }
  const problem = checkDatasetFolder(parsed.data.dataset) ?? checkModelFolder(parsed.data.modelId, modelsDir());
  if (problem) return jsonError(422, "invalid_dataset", problem, requestId);

  const { run, jobId } = await enqueueEvaluation(database, parsed.data, user.id);
  logger.info({ requestId, runId: run.id, jobId, userId: user.id, dataset: run.dataset, split: run.split }, "evaluation enqueued");
  return jsonOk({ run, jobId }, requestId, 202);
});
