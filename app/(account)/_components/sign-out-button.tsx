import { getTranslations } from "next-intl/server";

import { signOut } from "@/auth";

/**
 * Signs out through a server action, so it works without JavaScript and is
 * origin-checked by Next.js. Returns to the home page.
 */
export async function SignOutButton() {
  const t = await getTranslations("auth.account");

  async function signOutAction() {
    "use server";
    await signOut({ redirectTo: "/" });
  }

  return (
    <form action={signOutAction}>
      <button type="submit" className="rounded-md border border-neutral-400 px-3 py-1.5 text-sm hover:bg-neutral-100">
        {t("signOut")}
      </button>
    </form>
  );
}
