/**
 * Cross-site request forgery check for our own state-changing route handlers.
 *
 * Auth.js protects its routes under /api/auth with its own CSRF token, and
 * Next.js compares a server action's Origin header with the request's host
 * before running it (the serverActions page of the Next.js configuration
 * reference: https://nextjs.org/docs/app/api-reference/config/next-config-js/serverActions).
 * Plain route handlers get neither, so every POST, PUT, PATCH or DELETE
 * handler that acts on a session calls `rejectCrossSiteRequest` first.
 *
 * The check follows the same rule as Next.js: the host in the Origin header
 * must equal X-Forwarded-Host, else Host. A browser cannot forge these headers
 * on a cross-site form or fetch without a CORS preflight, which this app never
 * grants.
 */
import { logger } from "../logger";
import { jsonError } from "./http";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export type OriginCheck = { ok: true } | { ok: false; reason: string };

/** Returns the host the request was addressed to, as a browser writes it in Origin ("example.com:8080"). */
function requestHost(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const host = forwarded || request.headers.get("host")?.trim() || new URL(request.url).host;
  return host.toLowerCase();
}

/**
 * Decides whether an unsafe request comes from our own pages.
 *
 * - Safe methods (GET, HEAD, OPTIONS) always pass: they must not change state.
 * - With an Origin header, its host must match the request's host. The value
 *   "null" (sandboxed frames, some redirects) is rejected.
 * - Without Origin, a Sec-Fetch-Site header other than "same-origin" or
 *   "none" is rejected.
 * - Without either header the request passes: every current browser sends
 *   Origin on these methods, so such a request comes from a non-browser
 *   client (curl, a script), which cannot carry a victim's cookies.
 */
export function checkRequestOrigin(request: Request): OriginCheck {
  if (!UNSAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };

  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (origin === "null") return { ok: false, reason: 'the Origin header is "null"' };
    let originHost: string;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      return { ok: false, reason: `the Origin header "${origin}" is not a URL` };
    }
    const host = requestHost(request);
    if (originHost !== host) return { ok: false, reason: `origin ${originHost} does not match host ${host}` };
    return { ok: true };
  }

  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite !== null && fetchSite !== "same-origin" && fetchSite !== "none") {
    return { ok: false, reason: `Sec-Fetch-Site is "${fetchSite}"` };
  }
  return { ok: true };
}

/** Returns a 403 response for a cross-site unsafe request, undefined when the request may proceed. */
export function rejectCrossSiteRequest(request: Request, requestId: string): Response | undefined {
  const check = checkRequestOrigin(request);
  if (check.ok) return undefined;

  logger.warn(
    { requestId, method: request.method, path: new URL(request.url).pathname, reason: check.reason },
    "request rejected: cross-site",
  );
  return jsonError(
    403,
    "cross_site_request",
    `Cross-site ${request.method} requests are not allowed: ${check.reason}. Send the request from a StyleLens page.`,
    requestId,
  );
}
