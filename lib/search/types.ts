/**
 * The keyword search contract shared by GET /api/search, the shop pages and
 * the search engine in lib/search. Names follow Meilisearch's API (q, sort,
 * page, hitsPerPage, hits, facetDistribution, estimatedTotalHits,
 * processingTimeMs) so the API feels familiar.
 */

/**
 * Facets in display order. Catalogue facets read Product columns
 * (category is the dataset's articleType); attribute-group facets read
 * ProductAttribute rows of that group.
 */
export const FACETS = [
  "category",
  "subCategory",
  "masterCategory",
  "gender",
  "colour",
  "season",
  "usage",
  "texture",
  "fabric",
  "shape",
  "part",
  "style",
] as const;
export type Facet = (typeof FACETS)[number];

export const SORTS = ["relevance", "newest", "title:asc", "title:desc", "year:desc"] as const;
export type Sort = (typeof SORTS)[number];

export const DEFAULT_HITS_PER_PAGE = 24;
export const MAX_HITS_PER_PAGE = 100;
export const MAX_QUERY_LENGTH = 200;

/**
 * A validated search request. Values of one facet combine with OR, facets
 * combine with AND.
 */
export interface SearchRequest {
  q: string;
  filters: Partial<Record<Facet, string[]>>;
  sort: Sort;
  page: number;
  hitsPerPage: number;
}

export interface SearchHit {
  id: number;
  sku: string;
  title: string;
  brand: string | null;
  category: string | null;
  colour: string | null;
  gender: string | null;
  /** URL of the thumbnail of the product's first image, or null when it has none. */
  thumbnailUrl: string | null;
}

export interface SearchResponse {
  q: string;
  hits: SearchHit[];
  /**
   * For each facet, value -> number of matching products. Each facet's counts
   * apply the query and every other facet's filters but not its own, so the
   * counts show what ticking one more value would add.
   */
  facetDistribution: Record<Facet, Record<string, number>>;
  /** Exact here; the name is Meilisearch's. */
  estimatedTotalHits: number;
  page: number;
  hitsPerPage: number;
  totalPages: number;
  sort: Sort;
  processingTimeMs: number;
}
