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

/** "relevance" orders by text score when q has terms and by "newest" otherwise. */
export const DEFAULT_SORT: Sort = "relevance";

export const DEFAULT_HITS_PER_PAGE = 24;
export const MAX_HITS_PER_PAGE = 100;
export const MAX_QUERY_LENGTH = 200;
/** Highest page number a request may ask for; pages past the last one come back empty. */
export const MAX_PAGE = 10_000;
/** Limits on one facet's filter values in a request. */
export const MAX_FILTER_VALUES = 50;
export const MAX_FILTER_VALUE_LENGTH = 100;

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

/** One problem with a search request, named by its URL parameter. */
export interface SearchRequestIssue {
  /** The URL parameter: "q", "sort", "page", "hitsPerPage" or a facet key. */
  parameter: string;
  /** The rejected value, when there is one. */
  value?: string;
  message: string;
  /** The accepted values, when they form a fixed list. */
  allowed?: readonly string[];
}

/** Body of a non-200 response from GET /api/search. */
export interface SearchErrorResponse {
  error: {
    code: "invalid_request" | "internal_error";
    message: string;
    /** Present with code "invalid_request". */
    issues?: SearchRequestIssue[];
    /** Present with code "internal_error": the id that the server log records with the error. */
    requestId?: string;
  };
}
