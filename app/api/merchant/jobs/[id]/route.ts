/** GET one background job of the merchant's shop; another shop's job is 404. */
import { withRole } from "@/lib/auth/api-guard";
import { getJobHandler, UPLOAD_READ_ROLES } from "@/lib/uploads/api";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(UPLOAD_READ_ROLES, getJobHandler);
