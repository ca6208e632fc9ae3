import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { getPageUser } from "@/lib/auth/page-guard";
import { safeReturnPath } from "@/lib/auth/return-path";
import { isAccountRole } from "@/lib/auth/session-user";

import { SignOutButton } from "../_components/sign-out-button";
import { SignInForm, type SignInFormProps } from "./sign-in-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.signIn");
  return { title: t("title") };
}

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Query parameters:
 * - callbackUrl: where to go after signing in (a path on this site).
 * - error=forbidden&required=admin: set by requirePageRole for a signed-in user
 *   with the wrong role.
 * - error=CredentialsSignin&code=...: set by Auth.js when a sign-in through
 *   its own endpoint fails.
 * - notice=account_created: set after sign-up when the automatic sign-in failed.
 */
export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const t = await getTranslations("auth");
  const callbackUrl = safeReturnPath(first(params.callbackUrl), "/merchant");
  const error = first(params.error);
  const user = await getPageUser();

  // A signed-in user has nothing to do here unless a page sent them back for lack of a role.
  if (user && error !== "forbidden") redirect(callbackUrl);

  let forbiddenMessage: string | undefined;
  if (user && error === "forbidden") {
    const required = (first(params.required) ?? "")
      .split(",")
      .filter(isAccountRole)
      .map((role) => t(`account.roles.${role}`))
      .join(" / ");
    forbiddenMessage = t("errors.forbidden", { email: user.email, role: t(`account.roles.${user.role}`), required });
  }

  const code = first(params.code);
  let initialError: SignInFormProps["initialError"];
  if (error === "CredentialsSignin") initialError = code === "rate_limited" ? "rate_limited" : "invalid_credentials";
  else if (error && error !== "forbidden") initialError = "sign_in_failed";

  return (
    <div className="mx-auto flex w-full max-w-md flex-col gap-6 px-4 py-8 sm:py-12">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold">{t("signIn.title")}</h1>
        <p className="text-neutral-700">{t("signIn.intro")}</p>
      </div>

      {first(params.notice) === "account_created" ? (
        <p role="status" className="rounded-md border border-teal-700 bg-teal-50 p-3">
          {t("signIn.accountCreated")}
        </p>
      ) : null}

      {forbiddenMessage ? (
        <div role="alert" className="flex flex-col gap-3 rounded-md border-2 border-amber-600 bg-amber-50 p-4">
          <p>{forbiddenMessage}</p>
          <SignOutButton />
        </div>
      ) : null}

      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />

      <p className="text-sm">
        {t("signIn.noAccount")}{" "}
        <Link href="/sign-up" className="font-medium text-teal-800 underline">
          {t("signIn.signUpLink")}
        </Link>
      </p>
      <p className="text-sm text-neutral-600">{t("signIn.shopperNote")}</p>
    </div>
  );
}
