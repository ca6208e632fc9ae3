/**
 * Converts between URL query parameters and SearchRequest. The URL form is
 * `?q=striped+shirt&colour=Blue&colour=Navy+Blue&category=Shirts&sort=newest&page=2&hitsPerPage=24`:
 * each facet filter is a repeated parameter named by the facet key.
 */
import { z } from "zod";

import {
  DEFAULT_HITS_PER_PAGE,
  DEFAULT_SORT,
  FACETS,
  MAX_FILTER_VALUE_LENGTH,
  MAX_FILTER_VALUES,
  MAX_HITS_PER_PAGE,
  MAX_PAGE,
  MAX_QUERY_LENGTH,
  SORTS,
  type Facet,
  type SearchRequest,
  type SearchRequestIssue,
} from "./types";

/** Parameters that take one value each; facet keys are the other accepted parameters. */
export const SCALAR_PARAMETERS = ["q", "sort", "page", "hitsPerPage"] as const;
type ScalarParameter = (typeof SCALAR_PARAMETERS)[number];

const ALL_PARAMETERS: readonly string[] = [...SCALAR_PARAMETERS, ...FACETS];

/** Thrown when a search request fails validation; `issues` names each bad parameter. */
export class InvalidSearchRequestError extends Error {
  readonly issues: SearchRequestIssue[];

  constructor(issues: SearchRequestIssue[]) {
    super(issues.map((issue) => issue.message).join(" "));
    this.name = "InvalidSearchRequestError";
    this.issues = issues;
  }
}

export interface ParseOptions {
  /**
   * Whether parameters that are neither scalar parameters nor facet keys are
   * skipped instead of rejected. Pages set it so that tracking parameters
   * (utm_source) in a shared link do not break the page. The API leaves it
   * unset, so a misspelt parameter is reported.
   */
  ignoreUnknown?: boolean;
}

// Error messages quote the rejected input, so they are built from the issue.
function quote(value: unknown): string {
  return JSON.stringify(typeof value === "string" ? value : String(value));
}

function wholeNumberMessage(parameter: string, min: number, max: number) {
  return (issue: { input?: unknown }) =>
    `Invalid ${parameter} ${quote(issue.input)}: use a whole number from ${min} to ${max}.`;
}

const sortMessage = (issue: { input?: unknown }) =>
  `Invalid sort ${quote(issue.input)}: use one of ${SORTS.join(", ")}.`;

const queryLengthMessage = (issue: { input?: unknown }) =>
  `Invalid q: ${String(issue.input).length} characters is longer than the maximum of ${MAX_QUERY_LENGTH}.`;

function filterValueSchema(facet: Facet) {
  return z.string().max(MAX_FILTER_VALUE_LENGTH, {
    error: (issue) =>
      `Invalid ${facet} value ${quote(issue.input)}: longer than the maximum of ${MAX_FILTER_VALUE_LENGTH} characters.`,
  });
}

function filterValuesSchema(facet: Facet) {
  return z.array(filterValueSchema(facet)).max(MAX_FILTER_VALUES, {
    error: (issue) =>
      `Too many ${facet} values: ${Array.isArray(issue.input) ? issue.input.length : "?"} given, the maximum is ${MAX_FILTER_VALUES}.`,
  });
}

const filtersShape = Object.fromEntries(FACETS.map((facet) => [facet, filterValuesSchema(facet)])) as Record<
  Facet,
  ReturnType<typeof filterValuesSchema>
>;

/** Parses a whole number given as URL text, for example page=2. */
function wholeNumberParameter(parameter: string, min: number, max: number) {
  const message = wholeNumberMessage(parameter, min, max);
  return z
    .string()
    .regex(/^[0-9]+$/, { error: message })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: message }).max(max, { error: message }));
}

const urlSchema = z.object({
  q: z.string().max(MAX_QUERY_LENGTH, { error: queryLengthMessage }).default(""),
  sort: z.enum(SORTS, { error: sortMessage }).default(DEFAULT_SORT),
  page: wholeNumberParameter("page", 1, MAX_PAGE).default(1),
  hitsPerPage: wholeNumberParameter("hitsPerPage", 1, MAX_HITS_PER_PAGE).default(DEFAULT_HITS_PER_PAGE),
  filters: z.object(filtersShape).partial(),
});

/**
 * The schema of an already-built SearchRequest, for callers that construct
 * one in code. searchProducts checks its argument with it.
 */
export const searchRequestSchema = z.object({
  q: z.string().max(MAX_QUERY_LENGTH, { error: queryLengthMessage }),
  filters: z.strictObject(filtersShape).partial(),
  sort: z.enum(SORTS, { error: sortMessage }),
  page: z
    .number({ error: wholeNumberMessage("page", 1, MAX_PAGE) })
    .int({ error: wholeNumberMessage("page", 1, MAX_PAGE) })
    .min(1, { error: wholeNumberMessage("page", 1, MAX_PAGE) })
    .max(MAX_PAGE, { error: wholeNumberMessage("page", 1, MAX_PAGE) }),
  hitsPerPage: z
    .number({ error: wholeNumberMessage("hitsPerPage", 1, MAX_HITS_PER_PAGE) })
    .int({ error: wholeNumberMessage("hitsPerPage", 1, MAX_HITS_PER_PAGE) })
    .min(1, { error: wholeNumberMessage("hitsPerPage", 1, MAX_HITS_PER_PAGE) })
    .max(MAX_HITS_PER_PAGE, { error: wholeNumberMessage("hitsPerPage", 1, MAX_HITS_PER_PAGE) }),
});

export type ParseResult = { success: true; request: SearchRequest } | { success: false; issues: SearchRequestIssue[] };

function isFacet(name: string): name is Facet {
  return (FACETS as readonly string[]).includes(name);
}

function isScalarParameter(name: string): name is ScalarParameter {
  return (SCALAR_PARAMETERS as readonly string[]).includes(name);
}

/** Trims q and collapses runs of whitespace, so "  striped   shirt " and "striped shirt" are one request. */
function normalizeQuery(q: string): string {
  return q.trim().replace(/\s+/g, " ");
}

interface RawRequest {
  q?: string;
  sort?: string;
  page?: string;
  hitsPerPage?: string;
  filters: Partial<Record<Facet, string[]>>;
}

/**
 * Groups the parameters by name. Empty values count as absent, because an
 * HTML form submits its empty fields (sort=&colour=).
 */
function collectParameters(params: URLSearchParams, options: ParseOptions) {
  const raw: RawRequest = { filters: {} };
  const issues: SearchRequestIssue[] = [];
  const scalarCounts = new Map<ScalarParameter, number>();

  for (const [name, rawValue] of params) {
    if (isScalarParameter(name)) {
      scalarCounts.set(name, (scalarCounts.get(name) ?? 0) + 1);
      const value = name === "q" ? normalizeQuery(rawValue) : rawValue.trim();
      if (value !== "") raw[name] = value;
      continue;
    }

    if (isFacet(name)) {
      const value = rawValue.trim();
      if (value === "") continue;
      const values = (raw.filters[name] ??= []);
      if (!values.includes(value)) values.push(value);
      continue;
    }

    if (!options.ignoreUnknown) {
      issues.push({
        parameter: name,
        value: rawValue,
        message: `Unknown parameter ${quote(name)}: use q, sort, page, hitsPerPage or a facet key (${FACETS.join(", ")}).`,
        allowed: ALL_PARAMETERS,
      });
    }
  }

  for (const [name, count] of scalarCounts) {
    if (count > 1) {
      issues.push({ parameter: name, message: `Parameter ${name} was given ${count} times: pass it once.` });
    }
  }
  return { raw, issues };
}

/** Converts zod issues into issues named by URL parameter, with the rejected value. */
function toRequestIssues(error: z.ZodError, input: unknown): SearchRequestIssue[] {
  const issues: SearchRequestIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          parameter: key,
          message: `Unknown facet ${quote(key)}: use one of ${FACETS.join(", ")}.`,
          allowed: FACETS,
        });
      }
      continue;
    }

    const [first, second] = issue.path;
    const parameter = first === "filters" && typeof second === "string" ? second : String(first ?? "request");
    const value = valueAtPath(input, issue.path);
    issues.push({
      parameter,
      ...(value === undefined ? {} : { value }),
      message: issue.message,
      ...(parameter === "sort" ? { allowed: SORTS } : {}),
    });
  }
  return issues;
}

function valueAtPath(input: unknown, path: readonly PropertyKey[]): string | undefined {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return typeof current === "string" || typeof current === "number" ? String(current) : undefined;
}

/** Parses URL parameters into a SearchRequest, returning every issue instead of throwing. */
export function safeParseSearchRequest(params: URLSearchParams, options: ParseOptions = {}): ParseResult {
  const { raw, issues } = collectParameters(params, options);
  const parsed = urlSchema.safeParse(raw);
  if (!parsed.success) issues.push(...toRequestIssues(parsed.error, raw));
  if (issues.length > 0 || !parsed.success) return { success: false, issues };

  const { filters, ...rest } = parsed.data;
  return { success: true, request: { ...rest, filters: dropEmptyFilters(filters) } };
}

/**
 * Parses URL parameters into a SearchRequest. Filter values are trimmed and
 * deduplicated; absent or empty parameters take the defaults.
 *
 * @throws InvalidSearchRequestError naming each bad parameter, its value and the accepted values
 */
export function parseSearchRequest(params: URLSearchParams, options: ParseOptions = {}): SearchRequest {
  const result = safeParseSearchRequest(params, options);
  if (!result.success) throw new InvalidSearchRequestError(result.issues);
  return result.request;
}

/**
 * Checks a SearchRequest built in code and returns a copy without empty
 * filter lists.
 *
 * @throws InvalidSearchRequestError when a field is out of range
 */
export function validateSearchRequest(request: SearchRequest): SearchRequest {
  const parsed = searchRequestSchema.safeParse(request);
  if (!parsed.success) throw new InvalidSearchRequestError(toRequestIssues(parsed.error, request));
  return { ...parsed.data, filters: dropEmptyFilters(parsed.data.filters) };
}

function dropEmptyFilters(filters: Partial<Record<Facet, string[]>>): Partial<Record<Facet, string[]>> {
  const result: Partial<Record<Facet, string[]>> = {};
  for (const facet of FACETS) {
    const values = filters[facet];
    if (values && values.length > 0) result[facet] = values;
  }
  return result;
}

/**
 * Converts a SearchRequest into URL parameters, the inverse of
 * parseSearchRequest. Parameters equal to their defaults are left out, and
 * the order is q, the facets in FACETS order, sort, page, hitsPerPage.
 */
export function toSearchParams(request: SearchRequest): URLSearchParams {
  const params = new URLSearchParams();
  if (request.q !== "") params.set("q", request.q);

  for (const facet of FACETS) {
    for (const value of request.filters[facet] ?? []) params.append(facet, value);
  }

  if (request.sort !== DEFAULT_SORT) params.set("sort", request.sort);
  if (request.page !== 1) params.set("page", String(request.page));
  if (request.hitsPerPage !== DEFAULT_HITS_PER_PAGE) params.set("hitsPerPage", String(request.hitsPerPage));
  return params;
}

/**
 * Converts the `searchParams` object that Next.js passes to a page
 * (a value or a list of values per name) into URLSearchParams.
 */
export function toUrlSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  return params;
}
