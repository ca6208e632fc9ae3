/**
 * GET /api/search: keyword search with facet filters and counts.
 * Parameters and response are described in docs/search-api.md.
 */
import { getDatabase } from "@/lib/db/client";
import { handleSearchRequest } from "@/lib/search/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handleSearchRequest(request, getDatabase);
}
