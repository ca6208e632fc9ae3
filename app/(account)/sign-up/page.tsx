import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { getPageUser } from "@/lib/auth/page-guard";

import { SignUpForm } from "./sign-up-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.signUp");
  return { title: t("title") };
}

export default async function SignUpPage() {
  if (await getPageUser()) redirect("/merchant");
  const t = await getTranslations("auth");

  return (
    <div className="mx-auto flex w-full max-w-md flex-col gap-6 px-4 py-8 sm:py-12">
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold">{t("signUp.title")}</h1>
        <p className="text-neutral-700">{t("signUp.intro")}</p>
      </div>
      <SignUpForm />
      <p className="text-sm">
        {t("signUp.haveAccount")}{" "}
        <Link href="/sign-in" className="font-medium text-teal-800 underline">
          {t("signUp.signInLink")}
        </Link>
      </p>
    </div>
  );
}
