/**
 * POST /api/search/photo: products that look like the uploaded photo.
 * Multipart field `image`; optional `k` and facet filters as in GET /api/search.
 */
import { getDatabase } from "@/lib/db/client";
import { handlePhotoSearch } from "@/lib/photo-search/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return handlePhotoSearch(request, getDatabase);
}
