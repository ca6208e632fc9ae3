import fs from "node:fs";

import { describe, expect, it } from "vitest";

import { ENGLISH_STOP_WORDS, tokenizeQuery } from "./query-terms";
import { toFtsQuery, toTsQuery } from "./text-match";

describe("tokenizeQuery", () => {
  it("lower-cases and splits on punctuation", () => {
    expect(tokenizeQuery("Striped, Slim-Fit SHIRT")).toEqual(["striped", "slim", "fit", "shirt"]);
  });

  it("drops stop words and repeats", () => {
    expect(tokenizeQuery("Men's T-Shirt for men")).toEqual(["men", "shirt"]);
  });

  it("returns no terms for punctuation and stop words only", () => {
    expect(tokenizeQuery(` "*-:() !! the of `)).toEqual([]);
  });

  it("strips query syntax characters", () => {
    expect(tokenizeQuery(`"NEAR(shirt blue)" title:shirt* -red 'x' a&b|!c <-> d:*`)).toEqual([
      "near",
      "shirt",
      "blue",
      "title",
      "red",
      "x",
      "b",
      "c",
      "d",
    ]);
  });

  it("keeps letters with marks and digits", () => {
    expect(tokenizeQuery("Café 2012 कुर्ता")).toEqual(["café", "2012", "कुर्ता"]);
  });

  it("applies NFKC compatibility forms", () => {
    expect(tokenizeQuery("ＳＨＩＲＴ")).toEqual(["shirt"]);
  });
});

describe("query builders", () => {
  it("builds an FTS5 prefix AND query", () => {
    expect(toFtsQuery(["stri", "shi"])).toBe('"stri"* AND "shi"*');
  });

  it("builds a tsquery prefix AND query", () => {
    expect(toTsQuery(["stri", "shi"])).toBe("'stri':* & 'shi':*");
  });

  it("escapes quotes even though tokenizeQuery never emits them", () => {
    expect(toFtsQuery(['a"b'])).toBe('"a""b"*');
    expect(toTsQuery(["a'b\\c"])).toBe("'a''b\\\\c':*");
  });
});

// PostgreSQL's own list, where the server is installed here, must match the copy in the code.
const POSTGRES_STOP_FILES = ["15", "16", "17"].map((version) => `/usr/share/postgresql/${version}/tsearch_data/english.stop`);
const postgresStopFile = POSTGRES_STOP_FILES.find((file) => fs.existsSync(file));

describe.skipIf(!postgresStopFile)("ENGLISH_STOP_WORDS", () => {
  it("equals PostgreSQL's english.stop", () => {
    const words = fs.readFileSync(postgresStopFile!, "utf8").split("\n").map((word) => word.trim()).filter(Boolean);

    expect([...ENGLISH_STOP_WORDS].sort()).toEqual([...new Set(words)].sort());
  });
});
