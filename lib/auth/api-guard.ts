/**
 * Role checks for route handlers. A guarded handler runs only for a signed-in
 * user with one of the allowed roles. Every other request gets a JSON error:
 *
 * - 403 `cross_site_request` for a POST, PUT, PATCH or DELETE from another site
 *   (checked first, so a forged request learns nothing about the session),
 * - 401 `unauthenticated` without a valid session,
 * - 403 `forbidden` when the user's role is not allowed.
 *
 * Unexpected errors thrown by the handler are logged with the request id and
 * get a 500 response.
 */
import { getDatabase, type Database } from "../db/client";
import { logger } from "../logger";
import { internalErrorResponse, jsonError, requestIdOf } from "./http";
import { rejectCrossSiteRequest } from "./origin";
import { readRequestUser } from "./request-session";
import { decideAccess, type AccountRole, type SessionUser } from "./session-user";

export interface GuardedContext<Params> {
  user: SessionUser;
  database: Database;
  requestId: string;
  params: Params;
}

export type GuardedHandler<Params> = (request: Request, context: GuardedContext<Params>) => Promise<Response>;

/** The second argument Next.js passes to a route handler; `params` resolves to {} for a route without dynamic segments. */
export interface RouteContext<Params> {
  params: Promise<Params>;
}

export type RouteHandler<Params> = (request: Request, context: RouteContext<Params>) => Promise<Response>;

export interface GuardOptions {
  /** Opens the database; getDatabase by default. */
  database?: () => Database;
}

/**
 * Wraps a route handler so that it runs only for users with one of `roles`.
 * Use it as `export const GET = withRole(["admin"], async (request, { user }) => ...)`.
 */
export function withRole<Params = Record<string, never>>(
  roles: readonly AccountRole[],
  handler: GuardedHandler<Params>,
  options: GuardOptions = {},
): RouteHandler<Params> {
  const openDatabase = options.database ?? getDatabase;

  return async (request, routeContext) => {
    const requestId = requestIdOf(request);
    try {
      const crossSite = rejectCrossSiteRequest(request, requestId);
      if (crossSite) return crossSite;

      const database = openDatabase();
      const user = await readRequestUser(request, database.prisma);
      const decision = decideAccess(user, roles);
      if (decision === "unauthenticated" || !user) {
        return jsonError(401, "unauthenticated", "Sign in at /sign-in to use this endpoint.", requestId);
      }
      if (decision === "forbidden") {
        logger.warn(
          { requestId, userId: user.id, role: user.role, method: request.method, path: new URL(request.url).pathname },
          "request rejected: role not allowed",
        );
        return jsonError(
          403,
          "forbidden",
          `This endpoint requires the ${roles.join(" or ")} role, but you are signed in as ${user.role}.`,
          requestId,
        );
      }

      const params = (await routeContext?.params) ?? ({} as Params);
      return await handler(request, { user, database, requestId, params });
    } catch (error) {
      return internalErrorResponse(error, request, requestId);
    }
  };
}
