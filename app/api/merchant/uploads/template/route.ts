/** GET the catalogue CSV template (columns described in docs/catalogue-upload.md). */
import { withRole } from "@/lib/auth/api-guard";
import { getTemplateHandler, UPLOAD_READ_ROLES } from "@/lib/uploads/api";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(UPLOAD_READ_ROLES, getTemplateHandler);
