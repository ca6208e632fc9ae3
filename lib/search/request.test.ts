import { describe, expect, it } from "vitest";

import {
  InvalidSearchRequestError,
  parseSearchRequest,
  safeParseSearchRequest,
  toSearchParams,
  toUrlSearchParams,
  validateSearchRequest,
} from "./request";
import { MAX_FILTER_VALUE_LENGTH, MAX_FILTER_VALUES, MAX_QUERY_LENGTH, SORTS, type SearchRequest } from "./types";

function issuesOf(query: string) {
  const result = safeParseSearchRequest(new URLSearchParams(query));
  if (result.success) throw new Error(`expected ${query} to be rejected`);
  return result.issues;
}

describe("parseSearchRequest", () => {
  it("parses a full request", () => {
    const request = parseSearchRequest(
      new URLSearchParams(
        "q=striped+shirt&colour=Blue&colour=Navy+Blue&category=Shirts&sort=newest&page=2&hitsPerPage=24",
      ),
    );

    expect(request).toEqual({
      q: "striped shirt",
      filters: { colour: ["Blue", "Navy Blue"], category: ["Shirts"] },
      sort: "newest",
      page: 2,
      hitsPerPage: 24,
    });
  });

  it("applies defaults to an empty query string", () => {
    expect(parseSearchRequest(new URLSearchParams(""))).toEqual({
      q: "",
      filters: {},
      sort: "relevance",
      page: 1,
      hitsPerPage: 24,
    });
  });

  it("treats empty values as absent", () => {
    const request = parseSearchRequest(new URLSearchParams("q=&sort=&page=&hitsPerPage=&colour=&colour=Red"));

    expect(request).toEqual({ q: "", filters: { colour: ["Red"] }, sort: "relevance", page: 1, hitsPerPage: 24 });
  });

  it("normalises whitespace and duplicate values", () => {
    const request = parseSearchRequest(new URLSearchParams("q=++striped+++shirt+&colour=+Blue+&colour=Blue"));

    expect(request.q).toBe("striped shirt");
    expect(request.filters.colour).toEqual(["Blue"]);
  });

  it("accepts every sort", () => {
    for (const sort of SORTS) {
      expect(parseSearchRequest(new URLSearchParams({ sort })).sort).toBe(sort);
    }
  });

  it("keeps hostile text in q as text", () => {
    const q = `"NEAR(shirt blue)" title:* -red (x)`;
    expect(parseSearchRequest(new URLSearchParams({ q })).q).toBe(q);
  });

  it("rejects an unknown sort with the allowed values", () => {
    const [issue, ...rest] = issuesOf("sort=oldest");

    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ parameter: "sort", value: "oldest", allowed: SORTS });
    expect(issue!.message).toContain('"oldest"');
    expect(issue!.message).toContain("title:asc");
  });

  it.each([
    ["page", "0"],
    ["page", "-1"],
    ["page", "2.5"],
    ["page", "two"],
    ["page", "10001"],
    ["hitsPerPage", "0"],
    ["hitsPerPage", "101"],
    ["hitsPerPage", "1e2"],
  ])("rejects %s=%s", (parameter, value) => {
    const issues = issuesOf(`${parameter}=${encodeURIComponent(value)}`);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ parameter, value });
    expect(issues[0]!.message).toContain(`"${value}"`);
    expect(issues[0]!.message).toMatch(/whole number from 1 to \d+/);
  });

  it("rejects a q longer than the maximum", () => {
    const q = "a".repeat(MAX_QUERY_LENGTH + 1);
    const issues = issuesOf(`q=${q}`);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ parameter: "q", value: q });
    expect(issues[0]!.message).toContain(String(MAX_QUERY_LENGTH));
  });

  it("rejects an unknown parameter", () => {
    const issues = issuesOf("colur=Blue");

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ parameter: "colur", value: "Blue" });
    expect(issues[0]!.allowed).toContain("colour");
    expect(issues[0]!.allowed).toContain("q");
  });

  it("ignores unknown parameters when asked", () => {
    const request = parseSearchRequest(new URLSearchParams("utm_source=mail&q=shirt"), { ignoreUnknown: true });

    expect(request.q).toBe("shirt");
  });

  it("rejects a repeated scalar parameter", () => {
    const issues = issuesOf("page=1&page=2");

    expect(issues).toHaveLength(1);
    expect(issues[0]!.parameter).toBe("page");
    expect(issues[0]!.message).toContain("2 times");
  });

  it("rejects an over-long filter value", () => {
    const value = "x".repeat(MAX_FILTER_VALUE_LENGTH + 1);
    const issues = issuesOf(`texture=${value}`);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ parameter: "texture", value });
  });

  it("rejects too many values for one facet", () => {
    const query = Array.from({ length: MAX_FILTER_VALUES + 1 }, (_, i) => `colour=c${i}`).join("&");
    const issues = issuesOf(query);

    expect(issues).toHaveLength(1);
    expect(issues[0]!.parameter).toBe("colour");
    expect(issues[0]!.message).toContain(String(MAX_FILTER_VALUES));
  });

  it("reports every bad parameter at once", () => {
    const parameters = issuesOf("sort=best&page=0&size=3").map((issue) => issue.parameter);

    expect(parameters.sort()).toEqual(["page", "size", "sort"]);
  });

  it("throws InvalidSearchRequestError with the issues", () => {
    expect(() => parseSearchRequest(new URLSearchParams("sort=best"))).toThrow(InvalidSearchRequestError);
    try {
      parseSearchRequest(new URLSearchParams("sort=best"));
    } catch (error) {
      expect((error as InvalidSearchRequestError).issues[0]!.parameter).toBe("sort");
    }
  });
});

describe("toSearchParams", () => {
  it("leaves out defaults", () => {
    const request: SearchRequest = { q: "", filters: {}, sort: "relevance", page: 1, hitsPerPage: 24 };

    expect(toSearchParams(request).toString()).toBe("");
  });

  it("writes q, facets in FACETS order, sort, page, hitsPerPage", () => {
    const request: SearchRequest = {
      q: "striped shirt",
      filters: { colour: ["Blue", "Navy Blue"], category: ["Shirts"] },
      sort: "newest",
      page: 2,
      hitsPerPage: 48,
    };

    expect(toSearchParams(request).toString()).toBe(
      "q=striped+shirt&category=Shirts&colour=Blue&colour=Navy+Blue&sort=newest&page=2&hitsPerPage=48",
    );
  });

  it.each([
    { q: "", filters: {}, sort: "relevance", page: 1, hitsPerPage: 24 },
    { q: "stri shi", filters: { texture: ["striped"], gender: ["Men", "Women"] }, sort: "title:desc", page: 9, hitsPerPage: 1 },
    { q: "a&b=c?d#e", filters: { style: ["rock & roll", "50% off"] }, sort: "year:desc", page: 10000, hitsPerPage: 100 },
  ] satisfies SearchRequest[])("round-trips %j", (request) => {
    expect(parseSearchRequest(toSearchParams(request))).toEqual(request);
  });
});

describe("validateSearchRequest", () => {
  it("accepts a valid request and drops empty filter lists", () => {
    const request: SearchRequest = { q: "x", filters: { colour: [] }, sort: "newest", page: 3, hitsPerPage: 10 };

    expect(validateSearchRequest(request)).toEqual({ ...request, filters: {} });
  });

  it("rejects an out-of-range page and an unknown facet", () => {
    const request = { q: "", filters: { material: ["silk"] }, sort: "newest", page: 0, hitsPerPage: 10 };

    try {
      validateSearchRequest(request as unknown as SearchRequest);
      expect.unreachable("validateSearchRequest accepted an invalid request");
    } catch (error) {
      const parameters = (error as InvalidSearchRequestError).issues.map((issue) => issue.parameter).sort();
      expect(parameters).toEqual(["material", "page"]);
    }
  });
});

describe("toUrlSearchParams", () => {
  it("expands lists into repeated parameters", () => {
    const params = toUrlSearchParams({ q: "shirt", colour: ["Blue", "Red"], page: undefined });

    expect(params.toString()).toBe("q=shirt&colour=Blue&colour=Red");
  });
});
