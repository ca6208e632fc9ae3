/**
 * Handlers of the tag review API, wrapped with `withRole` by
 * app/api/merchant/products/[id]/tags/route.ts:
 *
 * - GET /api/merchant/products/{id}/tags   the review (predictions, current and verified values)
 * - PUT /api/merchant/products/{id}/tags   accept or correct groups, as a JSON object of
 *   group -> value or list of values, for example {"category": "Shirts", "texture": ["striped"]}
 *
 * Another shop's product, a deleted one and a missing one all get 404.
 */
import { z } from "zod";

import type { GuardedContext } from "../auth/api-guard";
import { jsonError, jsonOk, readJsonObject } from "../auth/http";
import { logger } from "../logger";
import { applyTagCorrections, MAX_GROUP_VALUES, type TagCorrections } from "./corrections";
import { REVIEW_GROUPS } from "./groups";
import { getTagReview } from "./review";

export const REVIEW_ROLES = ["merchant", "admin"] as const;

type IdParams = { id: string };

const MAX_BODY_BYTES = 16 * 1024;
const positiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const BODY_HINT = 'Send a JSON object of tag groups, such as {"category": "Shirts", "texture": ["striped"]}.';

const correctionsSchema = z.record(
  z.string(),
  z.union([z.string().transform((value) => [value]), z.array(z.string()).max(MAX_GROUP_VALUES * 2)]),
);

export async function getTagsHandler(_request: Request, context: GuardedContext<IdParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  const review = id.success ? await getTagReview(context.database.prisma, context.user, id.data) : undefined;
  if (!review) return productNotFound(context);
  return jsonOk({ review }, context.requestId);
}

export async function putTagsHandler(request: Request, context: GuardedContext<IdParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  if (!id.success) return productNotFound(context);

  const body = await readJsonObject(request, MAX_BODY_BYTES, BODY_HINT);
  if (!body.ok) return jsonError(400, "invalid_body", body.message, context.requestId);
  const parsed = correctionsSchema.safeParse(body.value);
  if (!parsed.success) {
    return jsonError(422, "invalid_request", `Each value must be a string or a list of strings. ${BODY_HINT}`, context.requestId, {
      details: { groups: REVIEW_GROUPS },
    });
  }

  const result = await applyTagCorrections(context.database, context.user, id.data, parsed.data as TagCorrections);
  if (!result.ok && result.reason === "not_found") return productNotFound(context);
  if (!result.ok) {
    const summary = result.issues.map((issue) => (issue.group ? `${issue.group}: ${issue.message}` : issue.message)).join(" ");
    return jsonError(422, "invalid_request", summary, context.requestId, { details: { issues: result.issues, groups: REVIEW_GROUPS } });
  }

  logger.info({ requestId: context.requestId, userId: context.user.id, productId: id.data, groups: result.changedGroups }, "tags verified");
  const review = await getTagReview(context.database.prisma, context.user, id.data);
  return jsonOk({ changedGroups: result.changedGroups, review }, context.requestId);
}

function productNotFound(context: GuardedContext<IdParams>): Response {
  return jsonError(404, "not_found", `Product ${context.params.id} was not found.`, context.requestId);
}
