import { getTranslations } from "next-intl/server";

import { requirePageRole } from "@/lib/auth/page-guard";
import { getPageUser } from "@/lib/auth/page-guard";
import { decideAccess, type SessionUser } from "@/lib/auth/session-user";

export type AdminAccess = { user: SessionUser; forbidden?: undefined } | { user?: undefined; forbidden: React.ReactNode };

/**
 * Lets admins through. An anonymous visitor is redirected to the sign-in
 * page; a signed-in user with another role gets a 403 message to render in
 * place of the page, instead of the sign-in redirect requirePageRole uses.
 */
export async function checkAdminPage(returnPath: string): Promise<AdminAccess> {
  const user = await getPageUser();
  const decision = decideAccess(user, ["admin"]);
  if (decision === "unauthenticated" || !user) return { user: await requirePageRole(["admin"], returnPath) };
  if (decision === "allowed") return { user };

  const t = await getTranslations("evaluation.forbidden");
  return {
    forbidden: (
      <div className="mx-auto w-full max-w-2xl px-4 py-12" data-testid="evaluation-forbidden">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-2 text-neutral-600">{t("body", { role: user.role })}</p>
      </div>
    ),
  };
}
