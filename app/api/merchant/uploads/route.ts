/**
 * POST /api/merchant/uploads: a merchant's bulk upload (multipart: one
 * "catalogue" CSV and any number of "images" files, ZIPs or images), answered
 * with 202 and the batch id while the import runs in the background.
 * GET lists the newest import batches. See lib/uploads/api.ts.
 */
import { withRole } from "@/lib/auth/api-guard";
import { createUploadHandler, listUploadsHandler, UPLOAD_READ_ROLES, UPLOAD_ROLES } from "@/lib/uploads/api";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withRole(UPLOAD_ROLES, createUploadHandler());
export const GET = withRole(UPLOAD_READ_ROLES, listUploadsHandler);
