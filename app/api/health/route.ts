/**
 * GET /api/health: catalogue and tagging counts and whether the vision
 * worker is up. Always 200 while the web server and database work; the
 * worker's state is in the body.
 */
import { getDatabase } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { readTaggingStatus } from "@/lib/photo-search/health";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return Response.json(await readTaggingStatus(getDatabase()), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    logger.error({ err: error }, "Health check failed");
    return Response.json({ error: { code: "internal_error", message: "Health check failed: the database could not be read." } }, { status: 500 });
  }
}
