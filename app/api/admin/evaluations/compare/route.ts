/**
 * GET /api/admin/evaluations/compare?a=ID&b=ID: every metric of two done runs
 * with the difference b - a.
 */
import { jsonError, jsonOk } from "@/lib/auth/http";
import { withRole } from "@/lib/auth/api-guard";
import { compareEvaluationRuns, EvaluationRunNotComparableError } from "@/lib/evaluation/runs";

export const dynamic = "force-dynamic";

export const GET = withRole(["admin"], async (request, { database, requestId }) => {
  const query = new URL(request.url).searchParams;
  const a = Number(query.get("a"));
  const b = Number(query.get("b"));
  if (!Number.isSafeInteger(a) || a <= 0 || !Number.isSafeInteger(b) || b <= 0) {
    return jsonError(400, "invalid_query", "Give two run ids as ?a=ID&b=ID.", requestId);
  }
  try {
    const comparison = await compareEvaluationRuns(database.prisma, a, b);
    if (!comparison) return jsonError(404, "not_found", `Evaluation run ${a} or ${b} not found.`, requestId);
    return jsonOk(
      { a: { id: comparison.a.id, modelId: comparison.a.modelId }, b: { id: comparison.b.id, modelId: comparison.b.modelId }, metrics: comparison.metrics },
      requestId,
    );
  } catch (error) {
    if (error instanceof EvaluationRunNotComparableError) return jsonError(409, "not_comparable", error.message, requestId);
    throw error;
  }
});
