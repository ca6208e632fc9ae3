/**
 * JSON error responses for the account and merchant APIs. Every error body
 * has the shape `{ error: { code, message, ... } }`, the same as GET
 * /api/search, and every response carries an x-request-id header.
 */
import { randomUUID } from "node:crypto";

import { logger } from "../logger";
import { retryAfterSeconds } from "./rate-limit";

/** A caller's x-request-id is reused when it looks like an id; anything else is replaced. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const provided = request.headers.get("x-request-id");
  return provided && REQUEST_ID_PATTERN.test(provided) ? provided : randomUUID();
}

export interface ApiErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

export function jsonError(
  status: number,
  code: string,
  message: string,
  requestId: string,
  options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  const body: ApiErrorBody = { error: { code, message, ...options.details } };
  return Response.json(body, {
    status,
    headers: { "cache-control": "no-store", "x-request-id": requestId, ...options.headers },
  });
}

export function jsonOk(body: unknown, requestId: string, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", "x-request-id": requestId } });
}

/**
 * Builds a 429 response with Retry-After in whole seconds and the same wait in
 * the message, which reads "Too many <limitedRequests>. Try again in ...".
 */
export function rateLimitedResponse(retryAfterMs: number, requestId: string, limitedRequests = "requests"): Response {
  const seconds = retryAfterSeconds(retryAfterMs);
  return jsonError(429, "rate_limited", `Too many ${limitedRequests}. Try again in ${describeWait(seconds)}.`, requestId, {
    details: { retryAfterSeconds: seconds },
    headers: { "retry-after": String(seconds) },
  });
}

/** Logs an unexpected failure with the request id and returns a 500 response that shows no internals. */
export function internalErrorResponse(error: unknown, request: Request, requestId: string): Response {
  logger.error({ err: error, requestId, method: request.method, path: new URL(request.url).pathname }, "request failed");
  return jsonError(
    500,
    "internal_error",
    `The request failed unexpectedly. The server log records the cause under request id ${requestId}.`,
    requestId,
    { details: { requestId } },
  );
}

export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export type JsonObjectBody = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * Reads a request body that must be a JSON object of at most `maxBytes`.
 * `hint` ends each failure message and describes the expected body.
 */
export async function readJsonObject(request: Request, maxBytes: number, hint: string): Promise<JsonObjectBody> {
  const text = await readTextUpTo(request, maxBytes);
  if (text === undefined) return { ok: false, message: `The request body is larger than ${maxBytes} bytes. ${hint}` };

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `The request body is not valid JSON. ${hint}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, message: `The request body is not a JSON object. ${hint}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Reads the body as UTF-8, or returns undefined as soon as it exceeds `maxBytes` (without reading the rest). */
async function readTextUpTo(request: Request, maxBytes: number): Promise<string | undefined> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
