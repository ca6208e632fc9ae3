/** GET the progress of an upload, DELETE a queued, done or failed upload. Another shop's upload is 404. */
import { withRole } from "@/lib/auth/api-guard";
import { createDeleteUploadHandler, getUploadHandler, UPLOAD_READ_ROLES } from "@/lib/uploads/api";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(UPLOAD_READ_ROLES, getUploadHandler);
export const DELETE = withRole(UPLOAD_READ_ROLES, createDeleteUploadHandler());
