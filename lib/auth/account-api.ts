/**
 * Handlers for the signed-in JSON API under /api/account. Route files wrap
 * them with `withRole`, so each handler receives an authorised user and only
 * has to parse its input and call the tenancy-scoped getters, which decide
 * what the user may see.
 *
 * - GET    /api/account/products          merchant, admin: list (query: status, merchantId for admins, limit, after)
 * - GET    /api/account/products/{id}     merchant, admin: one product, 404 when not visible
 * - PATCH  /api/account/products/{id}     merchant, admin: change title or status
 * - DELETE /api/account/products/{id}     merchant, admin: mark deleted
 * - GET    /api/account/users             admin: list users
 */
import { z } from "zod";

import { PRODUCT_STATUSES } from "../catalogue/types";
import { logger } from "../logger";
import type { GuardedContext } from "./api-guard";
import { jsonError, jsonOk, readJsonObject } from "./http";
import {
  deleteMerchantProduct,
  getMerchantProduct,
  listMerchantProducts,
  MAX_PRODUCT_PAGE,
  updateMerchantProduct,
} from "./tenancy";

export const MERCHANT_API_ROLES = ["merchant", "admin"] as const;
export const ADMIN_API_ROLES = ["admin"] as const;

const TITLE_MAX_LENGTH = 300;
const MAX_PATCH_BODY_BYTES = 8 * 1024;

const positiveId = z.coerce.number().int().positive();

const listQuerySchema = z.object({
  status: z.enum(PRODUCT_STATUSES).optional(),
  merchantId: positiveId.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PRODUCT_PAGE).optional(),
  after: positiveId.optional(),
});

const productChangesSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(TITLE_MAX_LENGTH).optional(),
    status: z.enum(["published", "draft"]).optional(),
  })
  .refine((changes) => changes.title !== undefined || changes.status !== undefined, {
    error: "Send at least one of title or status.",
  });

function invalidRequest(error: z.ZodError, requestId: string): Response {
  const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
  return jsonError(422, "invalid_request", summary, requestId, { details: { issues } });
}

function productNotFound(id: string, requestId: string): Response {
  return jsonError(404, "not_found", `Product ${id} was not found.`, requestId);
}

export async function listProductsHandler(request: Request, context: GuardedContext<Record<string, never>>): Promise<Response> {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = listQuerySchema.safeParse(query);
  if (!parsed.success) return invalidRequest(parsed.error, context.requestId);

  const { status, merchantId, limit, after } = parsed.data;
  const products = await listMerchantProducts(context.database.prisma, context.user, {
    status,
    merchantId,
    limit,
    afterId: after,
  });
  const last = products[products.length - 1];
  const pageSize = limit ?? 50;
  return jsonOk({ products, nextAfter: products.length === pageSize && last ? last.id : null }, context.requestId);
}

type ProductParams = { id: string };

export async function getProductHandler(_request: Request, context: GuardedContext<ProductParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  if (!id.success) return productNotFound(context.params.id, context.requestId);

  const product = await getMerchantProduct(context.database.prisma, context.user, id.data);
  if (!product) return productNotFound(context.params.id, context.requestId);
  return jsonOk({ product }, context.requestId);
}

export async function updateProductHandler(request: Request, context: GuardedContext<ProductParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  if (!id.success) return productNotFound(context.params.id, context.requestId);

  const body = await readJsonObject(request, MAX_PATCH_BODY_BYTES, 'Send a JSON object such as {"status":"draft"}.');
  if (!body.ok) return jsonError(400, "invalid_body", body.message, context.requestId);

  const changes = productChangesSchema.safeParse(body.value);
  if (!changes.success) return invalidRequest(changes.error, context.requestId);

  const product = await updateMerchantProduct(context.database.prisma, context.user, id.data, changes.data);
  if (!product) return productNotFound(context.params.id, context.requestId);
  return jsonOk({ product }, context.requestId);
}

export async function deleteProductHandler(_request: Request, context: GuardedContext<ProductParams>): Promise<Response> {
  const id = positiveId.safeParse(context.params.id);
  if (!id.success) return productNotFound(context.params.id, context.requestId);

  const deleted = await deleteMerchantProduct(context.database.prisma, context.user, id.data);
  if (!deleted) return productNotFound(context.params.id, context.requestId);
  logger.info({ requestId: context.requestId, userId: context.user.id, productId: id.data }, "product deleted");
  return new Response(null, { status: 204, headers: { "x-request-id": context.requestId } });
}

const USER_PAGE_SIZE = 200;

export async function listUsersHandler(_request: Request, context: GuardedContext<Record<string, never>>): Promise<Response> {
  const users = await context.database.prisma.user.findMany({
    orderBy: { createdAt: "asc" },
    take: USER_PAGE_SIZE,
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      merchantId: true,
      createdAt: true,
      merchant: { select: { slug: true, name: true } },
    },
  });
  return jsonOk({ users }, context.requestId);
}
