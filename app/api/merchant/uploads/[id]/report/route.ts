/** GET the CSV report of an upload; ?outcome=skipped limits it to rejected rows and files. */
import { withRole } from "@/lib/auth/api-guard";
import { getReportHandler, UPLOAD_READ_ROLES } from "@/lib/uploads/api";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(UPLOAD_READ_ROLES, getReportHandler);
