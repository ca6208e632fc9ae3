/**
 * Builds /search links from search state. The search page keeps its whole
 * state in the URL, so every filter, sort and page change is a link or a
 * router.push to one of these, and the back button restores the state.
 */
import { toSearchParams } from "@/lib/search/request";
import { DEFAULT_HITS_PER_PAGE, DEFAULT_SORT, FACETS, type Facet, type SearchRequest, type Sort } from "@/lib/search/types";

/** Search state for a link; absent fields take the request defaults. */
export type SearchUrlState = Partial<SearchRequest>;

/** Returns the /search URL for a state, in the parameter form that lib/search/request.ts parses. */
export function searchHref(state: SearchUrlState): string {
  const query = toSearchParams({
    q: state.q?.trim() ?? "",
    filters: state.filters ?? {},
    sort: state.sort ?? DEFAULT_SORT,
    page: state.page ?? 1,
    hitsPerPage: state.hitsPerPage ?? DEFAULT_HITS_PER_PAGE,
  }).toString();
  return query ? `/search?${query}` : "/search";
}

/** The state that a page's links start from; changing a filter or the sort returns to page 1. */
function baseState(request: SearchRequest): SearchUrlState {
  return { q: request.q, filters: request.filters, sort: request.sort, hitsPerPage: request.hitsPerPage };
}

export function toggleFilterHref(request: SearchRequest, facet: Facet, value: string): string {
  const current = request.filters[facet] ?? [];
  const next = current.includes(value) ? current.filter((item) => item !== value) : [...current, value];
  return searchHref({ ...baseState(request), filters: { ...request.filters, [facet]: next } });
}

export function clearFiltersHref(request: SearchRequest): string {
  return searchHref({ q: request.q, sort: request.sort, hitsPerPage: request.hitsPerPage });
}

export function sortHref(request: SearchRequest, sort: Sort): string {
  return searchHref({ ...baseState(request), sort });
}

export function pageHref(request: SearchRequest, page: number): string {
  return searchHref({ ...baseState(request), page });
}

/** Active filters in facet display order, one entry per selected value. */
export function activeFilters(request: SearchRequest): { facet: Facet; value: string }[] {
  return FACETS.flatMap((facet) => (request.filters[facet] ?? []).map((value) => ({ facet, value })));
}
