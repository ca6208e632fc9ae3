import { getTranslations } from "next-intl/server";

import { labelFacet, labelValue } from "@/app/_lib/labels";
import {
  DEFAULT_HITS_PER_PAGE,
  DEFAULT_SORT,
  FACETS,
  type Facet,
  type SearchRequest,
  type SearchResponse,
} from "@/lib/search/types";

import { toggleFilterHref } from "../_lib/search-url";
import { FacetCheckbox } from "./facet-checkbox";
import { ShowMore } from "./show-more";

/** Values shown before a facet's "Show all" button. */
const VISIBLE_VALUES = 8;

interface FacetSidebarProps {
  request: SearchRequest;
  facetDistribution: SearchResponse["facetDistribution"];
}

interface FacetValue {
  value: string;
  count: number;
  checked: boolean;
}

/**
 * Renders the facet checkboxes with live counts. The sidebar is also a GET
 * form to /search whose submit button only shows without JavaScript. With
 * JavaScript, each checkbox navigates on its own.
 */
export async function FacetSidebar({ request, facetDistribution }: FacetSidebarProps) {
  const t = await getTranslations("search");
  const tFacets = await getTranslations("facets");
  const tValues = await getTranslations("values");

  const facets = FACETS.map((facet) => ({ facet, values: facetValues(request, facetDistribution, facet) })).filter(
    ({ values }) => values.length > 0,
  );

  return (
    <form action="/search" method="get" aria-label={t("filtersTitle")} className="space-y-6">
      <h2 className="sr-only">{t("filtersTitle")}</h2>
      {request.q ? <input type="hidden" name="q" value={request.q} /> : null}
      {request.sort !== DEFAULT_SORT ? <input type="hidden" name="sort" value={request.sort} /> : null}
      {request.hitsPerPage !== DEFAULT_HITS_PER_PAGE ? (
        <input type="hidden" name="hitsPerPage" value={request.hitsPerPage} />
      ) : null}

      {facets.map(({ facet, values }) => {
        const visible = values.slice(0, VISIBLE_VALUES);
        const rest = values.slice(VISIBLE_VALUES);
        const renderValue = (item: FacetValue) => (
          <li key={item.value}>
            <FacetCheckbox
              name={facet}
              value={item.value}
              label={labelValue(tValues, facet, item.value)}
              count={item.count}
              checked={item.checked}
              href={toggleFilterHref(request, facet, item.value)}
            />
          </li>
        );

        return (
          <fieldset key={facet} className="min-w-0">
            <legend className="mb-2 text-sm font-semibold text-neutral-900">{labelFacet(tFacets, facet)}</legend>
            <ul>{visible.map(renderValue)}</ul>
            {rest.length > 0 ? (
              <ShowMore
                showLabel={t("showAllValues", { count: values.length })}
                hideLabel={t("showFewerValues")}
                initiallyOpen={rest.some((item) => item.checked)}
              >
                <ul>{rest.map(renderValue)}</ul>
              </ShowMore>
            ) : null}
          </fieldset>
        );
      })}

      <noscript>
        <button type="submit" className="rounded-full bg-neutral-900 px-4 py-2 text-sm font-medium text-white">
          {t("applyFilters")}
        </button>
      </noscript>
    </form>
  );
}

/**
 * Lists a facet's values, most products first. Selected values always appear, with
 * a count of 0 when the other filters leave none, so they can be unticked.
 */
function facetValues(
  request: SearchRequest,
  facetDistribution: SearchResponse["facetDistribution"],
  facet: Facet,
): FacetValue[] {
  const counts = facetDistribution[facet] ?? {};
  const selected = new Set(request.filters[facet] ?? []);
  const values: FacetValue[] = Object.entries(counts).map(([value, count]) => ({
    value,
    count,
    checked: selected.has(value),
  }));
  for (const value of selected) {
    if (!(value in counts)) values.push({ value, count: 0, checked: true });
  }
  return values.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}
