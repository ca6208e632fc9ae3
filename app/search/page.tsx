import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { ProductCard } from "@/app/_components/product-card";
import { SORT_MESSAGE_KEYS } from "@/app/_lib/labels";
import { searchProducts } from "@/lib/search";
import { safeParseSearchRequest, toUrlSearchParams } from "@/lib/search/request";
import {
  FACETS,
  SORTS,
  type SearchRequest,
  type SearchRequestIssue,
  type SearchResponse,
} from "@/lib/search/types";

import { ActiveFilters } from "./_components/active-filters";
import { FacetSidebar } from "./_components/facet-sidebar";
import { FiltersDisclosure } from "./_components/filters-disclosure";
import { Pagination } from "./_components/pagination";
import { SearchNavigation } from "./_components/search-navigation";
import { SortSelect } from "./_components/sort-select";
import { activeFilters, clearFiltersHref, pageHref, sortHref } from "./_lib/search-url";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const t = await getTranslations("search");
  const parsed = safeParseSearchRequest(toUrlSearchParams(await searchParams), { ignoreUnknown: true });
  const q = parsed.success ? parsed.request.q : "";
  return { title: q ? t("metaTitleWithQuery", { q }) : t("metaTitle"), robots: { index: false } };
}

export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  // Unknown parameters (utm_source and the like) are ignored, so a shared
  // link with tracking parameters still works.
  const parsed = safeParseSearchRequest(toUrlSearchParams(await searchParams), { ignoreUnknown: true });
  if (!parsed.success) return <InvalidSearch issues={parsed.issues} />;

  const request = parsed.request;
  const [response, t] = await Promise.all([searchProducts(request), getTranslations()]);
  const filterCount = activeFilters(request).length;
  const hasFacetValues = FACETS.some((facet) => Object.keys(response.facetDistribution[facet] ?? {}).length > 0);
  const showSidebar = hasFacetValues || filterCount > 0;

  return (
    <SearchNavigation>
      <div className="mx-auto max-w-7xl px-4 py-6">
        <div className="flex flex-wrap items-end justify-between gap-4 border-b border-neutral-200 pb-4">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold break-words">
              {request.q ? t("search.headingWithQuery", { q: request.q }) : t("search.heading")}
            </h1>
            <p role="status" className="mt-1 text-sm text-neutral-600" data-testid="result-count">
              {t("search.resultCount", { count: response.estimatedTotalHits })}
              {response.totalPages > 1 ? (
                <span> · {t("search.pageStatus", { page: response.page, totalPages: response.totalPages })}</span>
              ) : null}
            </p>
          </div>
          <SortSelect
            label={t("search.sortLabel")}
            current={request.sort}
            options={SORTS.map((sort) => ({
              value: sort,
              label: t(`sorts.${SORT_MESSAGE_KEYS[sort]}`),
              href: sortHref(request, sort),
            }))}
          />
        </div>

        <div className={showSidebar ? "mt-6 lg:grid lg:grid-cols-[15rem_minmax(0,1fr)] lg:gap-10" : "mt-6"}>
          {showSidebar ? (
            <aside aria-label={t("search.filtersTitle")}>
              <FiltersDisclosure
                buttonLabel={
                  filterCount > 0 ? t("search.filtersButtonCount", { count: filterCount }) : t("search.filtersButton")
                }
              >
                <FacetSidebar request={request} facetDistribution={response.facetDistribution} />
              </FiltersDisclosure>
            </aside>
          ) : null}

          <section aria-labelledby="results-heading" className="min-w-0">
            <h2 id="results-heading" className="sr-only">
              {t("search.resultsLabel")}
            </h2>
            <ActiveFilters request={request} />
            <div className="transition-opacity group-data-[pending]/search:opacity-50">
              <SearchResults request={request} response={response} />
            </div>
            <Pagination request={request} page={response.page} totalPages={response.totalPages} />
          </section>
        </div>
      </div>
    </SearchNavigation>
  );
}

async function SearchResults({ request, response }: { request: SearchRequest; response: SearchResponse }) {
  const t = await getTranslations("search");

  if (response.hits.length === 0 && response.estimatedTotalHits > 0) {
    return (
      <div className="rounded-lg border border-dashed border-neutral-300 px-6 py-12 text-center">
        <p className="text-neutral-700">{t("pastLastPage")}</p>
        <Link href={pageHref(request, 1)} className="mt-4 inline-block font-medium text-teal-800 underline">
          {t("firstPage")}
        </Link>
      </div>
    );
  }

  const hasFilters = FACETS.some((facet) => (request.filters[facet]?.length ?? 0) > 0);
  if (response.hits.length === 0 && !hasFilters && !request.q) {
    const tHome = await getTranslations("home");
    return (
      <div className="rounded-lg border border-dashed border-neutral-300 px-6 py-12 text-center">
        <h3 className="text-lg font-semibold">{tHome("emptyTitle")}</h3>
        <p className="mt-2 text-neutral-700">{tHome("emptyText")}</p>
      </div>
    );
  }

  if (response.hits.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-neutral-300 px-6 py-12 text-center">
        <h3 className="text-lg font-semibold">{t("emptyTitle")}</h3>
        <p className="mt-2 text-neutral-700">{hasFilters ? t("emptyWithFilters") : t("emptyWithQuery")}</p>
        <Link
          href={hasFilters ? clearFiltersHref(request) : "/search"}
          className="mt-4 inline-block font-medium text-teal-800 underline underline-offset-2"
        >
          {hasFilters ? t("clearAll") : t("emptyBrowse")}
        </Link>
      </div>
    );
  }

  return (
    <ul className="grid grid-cols-2 gap-x-4 gap-y-8 sm:grid-cols-3 xl:grid-cols-4" data-testid="search-results">
      {response.hits.map((hit) => (
        <li key={hit.id}>
          <ProductCard
            id={hit.id}
            title={hit.title}
            brand={hit.brand}
            category={hit.category}
            thumbnailUrl={hit.thumbnailUrl}
            noImageLabel={t("noImage")}
          />
        </li>
      ))}
    </ul>
  );
}

async function InvalidSearch({ issues }: { issues: SearchRequestIssue[] }) {
  const t = await getTranslations("search");

  return (
    <div className="mx-auto max-w-2xl px-4 py-16">
      <h1 className="text-2xl font-semibold">{t("invalidTitle")}</h1>
      <p className="mt-3 text-neutral-700">{t("invalidText")}</p>
      <details className="mt-4 text-sm text-neutral-600">
        <summary className="cursor-pointer">{t("invalidDetails")}</summary>
        {/* The parser's messages are English only; they name the parameter and the accepted values. */}
        <ul lang="en" className="mt-2 list-disc space-y-1 pl-5">
          {issues.map((issue, index) => (
            <li key={index}>{issue.message}</li>
          ))}
        </ul>
      </details>
      <Link
        href="/search"
        className="mt-6 inline-block rounded-full bg-neutral-900 px-5 py-2.5 text-sm font-medium text-white hover:bg-neutral-700"
      >
        {t("startOver")}
      </Link>
    </div>
  );
}
