/**
 * GET /api/admin/evaluations/:id: one run with its status, progress and, once
 * done, its report. The admin page polls it for the progress bar.
 */
import { jsonError, jsonOk } from "@/lib/auth/http";
import { withRole } from "@/lib/auth/api-guard";
import { getEvaluationRun } from "@/lib/evaluation/runs";

export const dynamic = "force-dynamic";

export const GET = withRole<{ id: string }>(["admin"], async (_request, { database, requestId, params }) => {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) {
    return jsonError(400, "invalid_id", `Invalid run id "${params.id}": use a positive whole number.`, requestId);
  }
  const run = await getEvaluationRun(database.prisma, id);
  if (!run) return jsonError(404, "not_found", `Evaluation run ${id} not found.`, requestId);
  return jsonOk({ run }, requestId);
});
