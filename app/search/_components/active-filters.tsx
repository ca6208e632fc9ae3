import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { labelFacet, labelValue } from "@/app/_lib/labels";
import type { SearchRequest } from "@/lib/search/types";

import { activeFilters, clearFiltersHref, toggleFilterHref } from "../_lib/search-url";

/** Renders a chip for each selected facet value, each a link that removes it, plus "Clear all". */
export async function ActiveFilters({ request }: { request: SearchRequest }) {
  const filters = activeFilters(request);
  if (filters.length === 0) return null;

  const t = await getTranslations("search");
  const tFacets = await getTranslations("facets");
  const tValues = await getTranslations("values");

  return (
    <div className="mb-6 flex flex-wrap items-center gap-2">
      <h2 className="sr-only">{t("activeFiltersLabel")}</h2>
      <ul className="contents">
        {filters.map(({ facet, value }) => {
          const facetLabel = labelFacet(tFacets, facet);
          const valueLabel = labelValue(tValues, facet, value);
          return (
            <li key={`${facet}:${value}`}>
              <Link
                href={toggleFilterHref(request, facet, value)}
                scroll={false}
                aria-label={t("removeFilter", { facet: facetLabel, value: valueLabel })}
                className="inline-flex items-center gap-1.5 rounded-full bg-neutral-100 py-1 pr-2 pl-3 text-sm hover:bg-neutral-200"
                data-testid="filter-chip"
              >
                <span className="text-neutral-600">{t("chipFacet", { facet: facetLabel })}</span>
                <span className="font-medium">{valueLabel}</span>
                <svg viewBox="0 0 16 16" aria-hidden="true" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="2">
                  <path d="m4 4 8 8M12 4l-8 8" strokeLinecap="round" />
                </svg>
              </Link>
            </li>
          );
        })}
      </ul>
      <Link
        href={clearFiltersHref(request)}
        scroll={false}
        className="px-2 text-sm font-medium text-teal-800 underline underline-offset-2 hover:text-teal-950"
      >
        {t("clearAll")}
      </Link>
    </div>
  );
}
