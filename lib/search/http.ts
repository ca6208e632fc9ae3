/**
 * The HTTP side of GET /api/search: parses the URL, runs the search and maps
 * failures to the error body of SearchErrorResponse. The route file only
 * passes the request and the database in.
 */
import { randomUUID } from "node:crypto";

import type { Database } from "../db/client";
import { logger } from "../logger";
import { searchProducts } from "./index";
import { InvalidSearchRequestError, safeParseSearchRequest } from "./request";
import type { SearchErrorResponse, SearchRequestIssue } from "./types";

/** A caller's x-request-id is reused when it looks like an id; anything else is replaced. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

function invalidRequest(issues: SearchRequestIssue[], requestId: string): Response {
  const body: SearchErrorResponse = {
    error: { code: "invalid_request", message: issues.map((issue) => issue.message).join(" "), issues },
  };
  return Response.json(body, { status: 400, headers: { "x-request-id": requestId } });
}

/**
 * Handles a search request, returning 200 with a SearchResponse, 400 with
 * the issues of an invalid request, or 500 with a request id that the log
 * records next to the error. `database` is a function so that a
 * configuration error in opening it is also logged and answered with a 500.
 */
export async function handleSearchRequest(request: Request, database: () => Database): Promise<Response> {
  const requestId = requestIdOf(request);
  const url = new URL(request.url);

  const parsed = safeParseSearchRequest(url.searchParams);
  if (!parsed.success) return invalidRequest(parsed.issues, requestId);

  try {
    const response = await searchProducts(parsed.request, database());
    return Response.json(response, {
      headers: { "cache-control": "no-store", "x-request-id": requestId },
    });
  } catch (error) {
    if (error instanceof InvalidSearchRequestError) return invalidRequest(error.issues, requestId);

    logger.error({ err: error, requestId, query: url.search }, "search request failed");
    const body: SearchErrorResponse = {
      error: {
        code: "internal_error",
        message: `Search failed unexpectedly. The server log records the cause under request id ${requestId}.`,
        requestId,
      },
    };
    return Response.json(body, { status: 500, headers: { "x-request-id": requestId } });
  }
}
