/**
 * POST /api/account/sign-up for JSON clients: the same sign-up as the form at
 * /sign-up, without signing in. Sign in afterwards through Auth.js
 * (POST /api/auth/callback/credentials with its CSRF token).
 *
 * Request: `{ "shopName": string, "email": string, "password": string,
 * "confirmPassword"?: string }`.
 * Responses:
 * - 201 `{ user, merchant }`
 * - 400 `invalid_body` for a body that is not a JSON object
 * - 403 `cross_site_request` for a request from another site
 * - 409 `email_taken`
 * - 422 `invalid_sign_up` with `issues: [{ field, code, message }]`
 * - 429 `rate_limited` with Retry-After
 */
import type { Database } from "../db/client";
import { internalErrorResponse, jsonError, jsonOk, rateLimitedResponse, readJsonObject, requestIdOf } from "./http";
import { rejectCrossSiteRequest } from "./origin";
import { signUpMerchant } from "./sign-up";
import { clientAddress } from "./throttle";
import { ACCOUNT_ERROR_MESSAGES, type AccountErrorCode } from "./validation";

/** Sign-up bodies are a few hundred bytes; anything far larger is not a sign-up. */
const MAX_BODY_BYTES = 16 * 1024;
const BODY_HINT = "Send a JSON object with shopName, email and password.";

export async function handleSignUpRequest(request: Request, database: () => Database): Promise<Response> {
  const requestId = requestIdOf(request);
  try {
    const crossSite = rejectCrossSiteRequest(request, requestId);
    if (crossSite) return crossSite;

    const body = await readJsonObject(request, MAX_BODY_BYTES, BODY_HINT);
    if (!body.ok) return jsonError(400, "invalid_body", body.message, requestId);

    const attempt = await signUpMerchant(database().prisma, body.value, clientAddress(request.headers));
    if (attempt.ok) return jsonOk(attempt.value, requestId, 201);
    if (attempt.reason === "rate_limited") return rateLimitedResponse(attempt.retryAfterMs, requestId, "sign-ups from this address");

    const issues = Object.entries(attempt.fieldErrors).map(([field, code]) => ({
      field,
      code,
      message: ACCOUNT_ERROR_MESSAGES[code as AccountErrorCode],
    }));
    if (attempt.fieldErrors.email === "email_taken") {
      return jsonError(409, "email_taken", ACCOUNT_ERROR_MESSAGES.email_taken, requestId, { details: { issues } });
    }
    return jsonError(422, "invalid_sign_up", issues.map((issue) => issue.message).join(" "), requestId, {
      details: { issues },
    });
  } catch (error) {
    return internalErrorResponse(error, request, requestId);
  }
}
