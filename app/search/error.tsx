"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect } from "react";

/**
 * Shown when the search itself fails (the database is unreachable, a query
 * error). Invalid URL parameters never get here: the page shows its own
 * message for them.
 */
export default function SearchError({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useTranslations();

  useEffect(() => {
    // Next.js logs the server-side error with the same digest as this one.
    console.error("Search failed", error);
  }, [error]);

  return (
    <div className="mx-auto max-w-2xl px-4 py-16" role="alert">
      <h1 className="text-2xl font-semibold">{t("search.errorTitle")}</h1>
      <p className="mt-3 text-neutral-700">{t("search.errorText")}</p>
      <div className="mt-6 flex flex-wrap gap-3">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded-full bg-neutral-900 px-5 py-2.5 text-sm font-medium text-white hover:bg-neutral-700"
        >
          {t("search.retry")}
        </button>
        <Link href="/" className="rounded-full border border-neutral-300 px-5 py-2.5 text-sm font-medium hover:border-neutral-900">
          {t("error.home")}
        </Link>
      </div>
    </div>
  );
}
