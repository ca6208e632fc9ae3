"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect } from "react";

/** Renders the fallback for an unexpected error in any page below the root layout. */
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useTranslations("error");

  useEffect(() => {
    // Next.js logs the server-side error with the same digest as this one.
    console.error("Page failed", error);
  }, [error]);

  return (
    <div className="mx-auto max-w-2xl px-4 py-16 text-center" role="alert">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mt-3 text-neutral-700">{t("text")}</p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded-full bg-neutral-900 px-5 py-2.5 text-sm font-medium text-white hover:bg-neutral-700"
        >
          {t("retry")}
        </button>
        <Link href="/" className="rounded-full border border-neutral-300 px-5 py-2.5 text-sm font-medium hover:border-neutral-900">
          {t("home")}
        </Link>
      </div>
    </div>
  );
}
