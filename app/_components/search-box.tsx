"use client";

import Form from "next/form";
import { usePathname, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";

import { MAX_QUERY_LENGTH } from "@/lib/search/types";

/**
 * Renders the header's keyword search, a GET form to /search that also works
 * before hydration. On the search page it shows the current query. A new
 * query starts a fresh search without the previous filters.
 */
export function SearchBox() {
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const query = pathname === "/search" ? (searchParams.get("q") ?? "") : "";
  return <SearchBoxForm query={query} />;
}

/** Renders the form itself, also used as the Suspense fallback while the search params are unknown. */
export function SearchBoxForm({ query = "" }: { query?: string }) {
  const t = useTranslations("layout");

  return (
    <Form action="/search" role="search" className="flex w-full min-w-0">
      <label htmlFor="site-search" className="sr-only">
        {t("searchLabel")}
      </label>
      <input
        // Remounting on a new query resets the uncontrolled value after
        // back/forward navigation.
        key={query}
        id="site-search"
        type="search"
        name="q"
        defaultValue={query}
        placeholder={t("searchPlaceholder")}
        maxLength={MAX_QUERY_LENGTH}
        autoComplete="off"
        enterKeyHint="search"
        className="min-w-0 flex-1 rounded-l-full border border-r-0 border-neutral-300 bg-white px-4 py-2 text-base placeholder:text-neutral-500 focus-visible:border-neutral-900"
      />
      <button
        type="submit"
        className="rounded-r-full border border-neutral-900 bg-neutral-900 px-4 py-2 text-sm font-medium text-white hover:bg-neutral-700"
      >
        {t("searchSubmit")}
      </button>
    </Form>
  );
}
