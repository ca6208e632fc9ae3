import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";

import { LanguageSwitch } from "./language-switch";
import { SearchBox, SearchBoxForm } from "./search-box";

export async function SiteHeader() {
  const t = await getTranslations();

  return (
    <header className="border-b border-neutral-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3 sm:flex-nowrap">
        <Link
          href="/"
          aria-label={t("layout.homeLink")}
          className="flex shrink-0 items-center gap-2 rounded-sm text-lg font-semibold tracking-tight"
        >
          <LogoMark />
          <span>{t("app.name")}</span>
        </Link>
        <div className="order-last w-full sm:order-none sm:max-w-xl sm:flex-1">
          <Suspense fallback={<SearchBoxForm />}>
            <SearchBox />
          </Suspense>
        </div>
        <div className="ml-auto flex items-center gap-4">
          <Link href="/photo-search" className="text-sm font-medium whitespace-nowrap hover:text-teal-800 hover:underline">
            {t("vision.headerLink")}
          </Link>
          <LanguageSwitch />
        </div>
      </div>
    </header>
  );
}

function LogoMark() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="size-7 text-teal-700" fill="none" stroke="currentColor" strokeWidth="2">
      <circle cx="10.5" cy="10.5" r="6.5" />
      <path d="M15.5 15.5 21 21" strokeLinecap="round" />
      <path d="M8 9.5c.6-1.2 1.6-1.8 3-1.8" strokeLinecap="round" />
    </svg>
  );
}
