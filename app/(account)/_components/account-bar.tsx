import { getTranslations } from "next-intl/server";

import type { SessionUser } from "@/lib/auth/session-user";

import { SignOutButton } from "./sign-out-button";

/** "Signed in as ..." with the role and a sign-out button, for account pages. */
export async function AccountBar({ user }: { user: SessionUser }) {
  const t = await getTranslations("auth.account");

  return (
    <div className="flex flex-wrap items-center justify-between gap-3 border-b border-neutral-200 pb-4">
      <p className="text-sm text-neutral-700">
        {t("signedInAs", { email: user.email })} · {t(`roles.${user.role}`)}
      </p>
      <SignOutButton />
    </div>
  );
}
