/**
 * Builds the session cookie Auth.js would set after a sign-in, so route
 * handler tests can send requests as a given user. Uses the same encoder
 * (next-auth/jwt) and the same salt (the cookie name) as Auth.js.
 */
import { encode } from "next-auth/jwt";

export const TEST_AUTH_SECRET = "test-secret-that-is-long-enough-for-auth-js";

const COOKIE_NAME = "authjs.session-token";

export async function sessionCookie(userId: string, secret = TEST_AUTH_SECRET): Promise<string> {
  const token = await encode({ token: { sub: userId }, secret, salt: COOKIE_NAME, maxAge: 60 * 60 });
  return `${COOKIE_NAME}=${token}`;
}

export const ORIGIN = "http://127.0.0.1:3000";

/** Builds a request as a browser sends it from one of our pages (same Origin, JSON body). */
export function pageRequest(path: string, init: { method?: string; cookie?: string; body?: unknown; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { host: "127.0.0.1:3000", ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  const method = init.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") {
    headers.origin ??= ORIGIN;
    headers["content-type"] = "application/json";
  }
  return new Request(`${ORIGIN}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}
