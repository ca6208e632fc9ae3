/**
 * Role checks for server components (pages and layouts). They redirect
 * instead of returning 401 or 403. A signed-out visitor goes to the sign-in
 * page and comes back afterwards. A signed-in user with the wrong role goes to
 * the sign-in page with a message that names the missing role.
 */
import { redirect } from "next/navigation";

import { auth } from "@/auth";

import { SIGN_IN_PATH } from "./config";
import { safeReturnPath } from "./return-path";
import { decideAccess, parseSessionUser, type AccountRole, type SessionUser } from "./session-user";

/** Returns the signed-in user, or undefined for an anonymous visitor (a shopper). */
export async function getPageUser(): Promise<SessionUser | undefined> {
  const session = await auth();
  return parseSessionUser(session?.user);
}

/**
 * Returns the signed-in user when their role is one of `roles`, and otherwise
 * redirects to the sign-in page, which returns to `returnPath` after a
 * successful sign-in.
 */
export async function requirePageRole(roles: readonly AccountRole[], returnPath: string): Promise<SessionUser> {
  const user = await getPageUser();
  const decision = decideAccess(user, roles);
  if (decision === "allowed" && user) return user;

  const query = new URLSearchParams({ callbackUrl: safeReturnPath(returnPath) });
  if (decision === "forbidden") {
    query.set("error", "forbidden");
    query.set("required", roles.join(","));
  }
  redirect(`${SIGN_IN_PATH}?${query}`);
}
