/** GET /api/account/users: every account, for admins. */
import { ADMIN_API_ROLES, listUsersHandler } from "@/lib/auth/account-api";
import { withRole } from "@/lib/auth/api-guard";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withRole(ADMIN_API_ROLES, listUsersHandler);
