import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { parseCatalogueCsv, type CatalogueEntry, type CatalogueRow } from "./catalogue-csv";
import { CatalogueImportError, MissingColumnError } from "./errors";

const HEADER = "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName";
const REAL_STYLES_CSV = path.resolve(import.meta.dirname, "../../../shared/datasets/fashion-products/styles.csv");

async function parse(text: string) {
  return parseCatalogueCsv(Buffer.from(text, "utf8"), "test/styles.csv");
}

function rows(entries: CatalogueEntry[]): (CatalogueRow & { line: number })[] {
  return entries.flatMap((entry) => (entry.kind === "row" ? [{ ...entry.row, line: entry.line }] : []));
}

function rejections(entries: CatalogueEntry[]) {
  return entries.flatMap((entry) => (entry.kind === "rejected" ? [entry] : []));
}

describe("parseCatalogueCsv", () => {
  it("rejoins unquoted commas in the title", async () => {
    const file = await parse(
      `${HEADER}\n4854,Unisex,Footwear,Shoes,Casual Shoes,White,Winter,2012,Casual,Newfeel Unisex White, Blue and Orange Casual Shoes\n`,
    );

    const [row] = rows(file.entries);
    expect(row?.title).toBe("Newfeel Unisex White, Blue and Orange Casual Shoes");
    expect(row?.usage).toBe("Casual");
    expect(row?.year).toBe(2012);
  });

  it("reads quotes and line breaks in quoted titles", async () => {
    const file = await parse(
      `${HEADER}\n` +
        `1,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,"Acme Men ""Oxford"", Blue\nShirt"\n` +
        `2,Men,Apparel,Topwear,Shirts,Red,Fall,2011,Casual,Acme Men Red Shirt\n`,
    );

    const parsed = rows(file.entries);
    expect(parsed.map((row) => row.title)).toEqual(['Acme Men "Oxford", Blue Shirt', "Acme Men Red Shirt"]);
    // The first record spans lines 2 and 3, so the second starts on line 4.
    expect(parsed.map((row) => row.line)).toEqual([2, 4]);
  });

  it("numbers lines with CRLF, blank lines and CRLF inside quotes", async () => {
    const file = await parse(
      `${HEADER}\r\n1,,,,,,,,,"two\r\nlines"\r\n\r\n2,,,,,,,,,Second\r\n3,,,,,,,,,Third`,
    );

    expect(rows(file.entries).map((row) => [row.sku, row.line])).toEqual([
      ["1", 2],
      ["2", 5],
      ["3", 6],
    ]);
  });

  it("strips a byte-order mark before the header", async () => {
    const file = await parse(`\uFEFF${HEADER}\n1,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Acme Men Shirt\n`);

    expect(rows(file.entries).map((row) => row.sku)).toEqual(["1"]);
    expect(file.ignoredColumns).toEqual([]);
  });

  it("turns empty fields and NA labels into null", async () => {
    const file = await parse(`${HEADER}\n5360,Women,Footwear,Shoes,Sports Shoes, NA ,,,NA,  Kalenji   Kapteren 100  \n`);

    const [row] = rows(file.entries);
    expect(row).toMatchObject({
      sku: "5360",
      title: "Kalenji Kapteren 100",
      gender: "Women",
      colour: null,
      season: null,
      year: null,
      usage: null,
      warnings: [],
    });
  });

  it("accepts a minimal header in any order", async () => {
    const file = await parse(`productDisplayName,extra,id\nAcme Men Shirt,x,7\n`);

    expect(rows(file.entries)).toMatchObject([{ sku: "7", title: "Acme Men Shirt", category: null }]);
    expect(file.ignoredColumns).toEqual(["extra"]);
  });

  it("skips rows with too few fields", async () => {
    const file = await parse(`${HEADER}\n1,Men,Apparel\n2,Men,Apparel,Topwear,Shirts,Blue,Fall,2011,Casual,Acme Men Shirt\n`);

    expect(rejections(file.entries)).toEqual([
      { kind: "rejected", line: 2, sku: "1", reason: "has 3 fields but the header has 10 columns" },
    ]);
    expect(rows(file.entries).map((row) => row.sku)).toEqual(["2"]);
  });

  it("skips extra fields unless the title is last", async () => {
    const file = await parse(`id,productDisplayName,gender\n1,Acme, Shirt,Men\n2,Acme Shirt,Men,,\n`);

    expect(rejections(file.entries).map((entry) => entry.reason)).toEqual([
      "has 4 fields but the header has 3 columns; quote fields that contain commas",
    ]);
    // Trailing empty fields are trailing commas, not data.
    expect(rows(file.entries)).toMatchObject([{ sku: "2", title: "Acme Shirt", gender: "Men" }]);
  });

  it("keeps the first of duplicate ids", async () => {
    const file = await parse(
      `${HEADER}\n9,Men,,,,,,,,First title\n10,Men,,,,,,,,Other\n9,Men,,,,,,,,Second title\n`,
    );

    expect(rows(file.entries).map((row) => [row.sku, row.title])).toEqual([
      ["9", "First title"],
      ["10", "Other"],
    ]);
    expect(rejections(file.entries)).toEqual([
      { kind: "rejected", line: 4, sku: "9", reason: 'duplicate id "9": line 2 has the same id and is the one imported' },
    ]);
  });

  it("rejects invalid ids and empty titles", async () => {
    const file = await parse(`${HEADER}\n../x,Men,,,,,,,,Title\n,Men,,,,,,,,Title\n8,Men,,,,,,,,\n`);

    expect(rejections(file.entries).map((entry) => [entry.line, entry.reason])).toEqual([
      [2, 'id "../x" is invalid: use letters, digits, ".", "_" and "-", starting with a letter or digit'],
      [3, "id is empty"],
      [4, "productDisplayName is empty"],
    ]);
  });

  it("imports an implausible year as null with a warning", async () => {
    const file = await parse(`${HEADER}\n1,,,,,,,20x1,,Title\n2,,,,,,,1492,,Title\n3,,,,,,,2011.0,,Title\n`);

    expect(rows(file.entries).map((row) => [row.year, row.warnings])).toEqual([
      [null, ['year "20x1" ignored: expected a year from 1900 to 2100']],
      [null, ['year "1492" ignored: expected a year from 1900 to 2100']],
      [2011, []],
    ]);
  });

  it("reports an unclosed quote as the last row", async () => {
    const file = await parse(`${HEADER}\n1,,,,,,,,,Good\n2,,,,,,,,,"Broken\n3,,,,,,,,,Lost\n`);

    expect(rows(file.entries).map((row) => row.sku)).toEqual(["1"]);
    expect(rejections(file.entries)).toEqual([
      {
        kind: "rejected",
        line: 3,
        sku: null,
        reason: "a quoted field opened on line 3 is never closed, so lines 3 to 4 could not be read",
      },
    ]);
  });

  it("names the missing required column and the file", async () => {
    const error = await parse(`id,gender,year\n1,Men,2011\n`).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CatalogueImportError);
    expect((error as Error).message).toContain('Missing required column "productDisplayName" in test/styles.csv');
  });

  it("rejects an empty file and a repeated column", async () => {
    await expect(parse("")).rejects.toThrow("Catalogue file test/styles.csv is empty");
    await expect(parse("id,id,productDisplayName\n")).rejects.toThrow('column "id" appears twice');
  });

  it("parses the real styles.csv", async (context) => {
    if (!fs.existsSync(REAL_STYLES_CSV)) context.skip(`${REAL_STYLES_CSV} not found`);

    const file = await parseCatalogueCsv(fs.readFileSync(REAL_STYLES_CSV), REAL_STYLES_CSV);

    expect(file.entries).toHaveLength(10_474);
    expect(rejections(file.entries)).toEqual([]);
    const withCommas = rows(file.entries).filter((row) => row.title.includes(","));
    expect(withCommas.map((row) => [row.line, row.sku, row.title])).toEqual([
      [140, "4854", "Newfeel Unisex White, Blue and Orange Casual Shoes"],
      [8899, "23103", "Turtle Men Formal Black Tie, Cufflink and Pocket Square Combo Set"],
      [8900, "23112", "Turtle Men Formal Red Tie, Cufflink and Pocket Square Combo Set"],
    ]);
    expect(withCommas.every((row) => row.usage === "Formal" || row.usage === "Casual")).toBe(true);
  });

  describe("upload template layout", () => {
    it("reads the template columns, brand and image included", async () => {
      const file = await parse(
        "SKU,Title,brand,category,colour,image\n" + 'A-1,"Acme Men Blue, Striped Shirt",Acme Co,Shirts,Blue, shirts/A 1.jpg \n',
      );

      expect(rows(file.entries)).toMatchObject([
        { sku: "A-1", title: "Acme Men Blue, Striped Shirt", brand: "Acme Co", category: "Shirts", colour: "Blue", image: "shirts/A 1.jpg" },
      ]);
      expect(file.ignoredColumns).toEqual([]);
    });

    it("names columns as the header writes them", async () => {
      const file = await parse("sku,title\n,Acme Shirt\nB-1,\nB-2,One\nB-2,Two\n");

      expect(rejections(file.entries).map((entry) => entry.reason)).toEqual([
        "sku is empty",
        "title is empty",
        'duplicate sku "B-2": line 4 has the same sku and is the one imported',
      ]);
    });

    it("names a missing column in the header's own layout", async () => {
      await expect(parse("sku,brand\nA,Acme\n")).rejects.toThrow('Missing required column "title" in test/styles.csv');
      await expect(parse("name,price\nA,1\n")).rejects.toThrow(
        'Missing required column "sku" (or "id") and "title" (or "productDisplayName") in test/styles.csv',
      );
      const error = await parse("id,gender\n1,Men\n").catch((caught: unknown) => caught);
      expect((error as MissingColumnError).columns).toEqual(["productDisplayName"]);
    });

    it("rejects two columns for the same field", async () => {
      await expect(parse("sku,id,title\n")).rejects.toThrow('columns "sku" and "id" both hold the sku');
    });
  });
});
