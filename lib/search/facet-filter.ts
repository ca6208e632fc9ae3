/**
 * Applies facet filters and computes disjunctive facet counts. Values of one
 * facet combine with OR and facets combine with AND. Each facet's counts
 * apply every filter except its own, so they show what ticking one more
 * value of that facet would give.
 */
import type { Bitset } from "./bitset";
import { compareStrings, type FacetIndex } from "./facet-index";
import { FACETS, type Facet } from "./types";

export interface FilterResult {
  /** Products in the base set that pass every filter. */
  matches: Bitset;
  /**
   * Value -> count per facet, ordered by count (highest first) and then by
   * value. Zero counts are left out, except for selected values.
   */
  facetDistribution: Record<Facet, Record<string, number>>;
}

/**
 * Filters the base set (the text matches, or the whole catalogue) and counts
 * the facet values of the result.
 */
export function filterAndCount(
  index: FacetIndex,
  base: Bitset,
  filters: Partial<Record<Facet, readonly string[]>>,
): FilterResult {
  const selected = FACETS.filter((facet) => (filters[facet]?.length ?? 0) > 0);
  const filterSets = new Map(selected.map((facet) => [facet, index.productsWithAnyValue(facet, filters[facet]!)]));

  const matches = base.clone();
  for (const set of filterSets.values()) matches.intersect(set);

  // Facets without a filter are all counted over the final matches, in one pass.
  const unselected = FACETS.filter((facet) => !filterSets.has(facet));
  const counts = index.countValues(matches, unselected);

  for (const facet of selected) {
    const context = base.clone();
    for (const [other, set] of filterSets) {
      if (other !== facet) context.intersect(set);
    }
    counts.set(facet, index.countValues(context, [facet]).get(facet)!);
  }

  const facetDistribution = {} as Record<Facet, Record<string, number>>;
  for (const facet of FACETS) {
    facetDistribution[facet] = toDistribution(counts.get(facet)!, filters[facet] ?? []);
  }
  return { matches, facetDistribution };
}

function toDistribution(counts: Map<string, number>, selectedValues: readonly string[]): Record<string, number> {
  for (const value of selectedValues) {
    if (!counts.has(value)) counts.set(value, 0);
  }
  const ordered = [...counts].sort(([valueA, countA], [valueB, countB]) => {
    if (countA !== countB) return countB - countA;
    return compareStrings(valueA, valueB);
  });
  return Object.fromEntries(ordered);
}
