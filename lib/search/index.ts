/**
 * Keyword search over the published catalogue: text match, facet filters
 * and counts, sorting, pagination and the page's display fields.
 */
import { getDatabase, type Database } from "../db/client";
import { Bitset } from "./bitset";
import type { FacetIndex } from "./facet-index";
import { getFacetIndex } from "./facet-index-cache";
import { filterAndCount } from "./facet-filter";
import { fetchHits } from "./hits";
import { tokenizeQuery } from "./query-terms";
import { pageByScore } from "./ranking";
import { validateSearchRequest } from "./request";
import type { TextMatches } from "./text-match";
import { matchTextCached } from "./text-match-cache";
import type { SearchRequest, SearchResponse } from "./types";

/**
 * Runs a search. With q, products must contain every query term as a word
 * prefix. A q made only of stop words or punctuation matches everything, as
 * an empty q does. Sort "relevance" without query terms orders by newest.
 *
 * @throws InvalidSearchRequestError when the request is out of range (see validateSearchRequest)
 */
export async function searchProducts(
  request: SearchRequest,
  database: Database = getDatabase(),
): Promise<SearchResponse> {
  const started = performance.now();
  const valid = validateSearchRequest(request);
  const terms = tokenizeQuery(valid.q);
  const rankByText = valid.sort === "relevance" && terms.length > 0;

  const index = await getFacetIndex(database);
  const textMatches =
    terms.length > 0 ? await matchTextCached(database, index.revision, terms, { scores: rankByText }) : null;

  const textResult = textMatches ? toPositions(index, textMatches) : null;
  const base = textResult?.set ?? index.allProducts();
  const { matches, facetDistribution } = filterAndCount(index, base, valid.filters);

  const total = matches.count();
  const offset = (valid.page - 1) * valid.hitsPerPage;
  let positions: number[];
  if (textResult?.scores) {
    positions = pageByScore(matches, textResult.scores, offset, valid.hitsPerPage);
  } else {
    const sort = valid.sort === "relevance" ? "newest" : valid.sort;
    positions = index.pageInOrder(sort, matches, offset, valid.hitsPerPage);
  }
  const hits = await fetchHits(
    database,
    positions.map((position) => index.productIds[position]!),
  );

  return {
    q: valid.q,
    hits,
    facetDistribution,
    estimatedTotalHits: total,
    page: valid.page,
    hitsPerPage: valid.hitsPerPage,
    totalPages: Math.ceil(total / valid.hitsPerPage),
    sort: valid.sort,
    processingTimeMs: Math.round(performance.now() - started),
  };
}

/** Maps text matches onto index positions; products missing from the index (unpublished) drop out. */
function toPositions(index: FacetIndex, matches: TextMatches): { set: Bitset; scores: Float64Array | null } {
  const set = new Bitset(index.size);
  const scores = matches.scores ? new Float64Array(index.size) : null;
  const { productIds } = matches;
  for (let i = 0; i < productIds.length; i++) {
    const position = index.positionOf(productIds[i]!);
    if (position < 0) continue;
    set.add(position);
    if (scores) scores[position] = matches.scores![i]!;
  }
  return { set, scores };
}
