import { forbidden } from "next/navigation";

import { getPageUser, requirePageRole } from "@/lib/auth/page-guard";
import { decideAccess, type SessionUser } from "@/lib/auth/session-user";

/**
 * Lets admins through. An anonymous visitor is redirected to the sign-in
 * page. A signed-in user with another role gets the 403 page
 * (../forbidden.tsx) with HTTP status 403, instead of the sign-in redirect
 * that requirePageRole uses.
 */
export async function checkAdminPage(returnPath: string): Promise<SessionUser> {
  const user = await getPageUser();
  const decision = decideAccess(user, ["admin"]);
  if (decision === "unauthenticated" || !user) return requirePageRole(["admin"], returnPath);
  if (decision !== "allowed") forbidden();
  return user;
}
