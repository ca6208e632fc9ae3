import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { writeAttributeList } from "@/tests/fixtures/catalogue/dataset";

import { collectKnownBrands, extractBrand } from "./brand";
import { parseCatalogueCsv } from "./catalogue-csv";
import {
  AUDIENCE_WORDS,
  COLOUR_PHRASES,
  COLOUR_WORDS,
  createAttributeVocabulary,
  loadAttributeVocabulary,
  mineTitleAttributes,
  parseAttributeList,
  type AttributeVocabulary,
  type MinedAttribute,
  type VocabularyEntry,
} from "./title-attributes";

const SHARED = path.resolve(import.meta.dirname, "../../../shared/datasets");
const REAL_TAXONOMY = path.join(SHARED, "deepfashion-taxonomy");
const REAL_STYLES_CSV = path.join(SHARED, "fashion-products", "styles.csv");

function vocabularyOf(entries: [string, VocabularyEntry["group"]][]): AttributeVocabulary {
  return createAttributeVocabulary(entries.map(([name, group]) => ({ name, group })));
}

describe("extractBrand", () => {
  it.each([
    ["Quechua Men Sweat Proof Blue T-shirt", "Quechua"],
    ["United Colors of Benetton Women Black Top", "United Colors of Benetton"],
    ["Palm Tree Kids Girls Printed Skirt", "Palm Tree"],
    ["Wrangler Women's Blouson Tank Mauve Top", "Wrangler"],
    ["Disney Kids-Unisex Diamond Red Sandals", "Disney"],
    ["Scullers For Women Black Top", "Scullers"],
    ["Men Blue Shirt", null],
    ["Kalenji Kapteren 100 Blue/grey", null],
    ["Ed Hardy Life Love & Luck by Christian Audigier for Women Perfume", null],
  ])("%s -> %s", (title, brand) => {
    expect(extractBrand(title)).toBe(brand);
  });

  it("falls back to a known brand prefix", () => {
    const known = collectKnownBrands(["ADIDAS Men Black Shorts", "United Colors of Benetton Men Grey Shirt"]);

    expect(extractBrand("ADIDAS Black Backpack", known)).toBe("ADIDAS");
    expect(extractBrand("United Colors of Benetton Grey Handbag", known)).toBe("United Colors of Benetton");
    expect(extractBrand("Lakme Absolute Lipstick", known)).toBeNull();
    // The brand must leave a product name behind.
    expect(extractBrand("ADIDAS", known)).toBeNull();
  });
});

describe("parseAttributeList", () => {
  it("reads names with spaces and the five types", () => {
    const text = "3\nattribute_name  attribute_type\na-line                       3\nabstract chevron print       1\nzip-up  4\n";

    expect(parseAttributeList(text, "list.txt")).toEqual([
      { name: "a-line", group: "shape" },
      { name: "abstract chevron print", group: "texture" },
      { name: "zip-up", group: "part" },
    ]);
  });

  it("rejects a bad type, a wrong count and a repeated name", () => {
    expect(() => parseAttributeList("1\nheader\nodd 6\n", "list.txt")).toThrow("list.txt, line 3");
    expect(() => parseAttributeList("2\nheader\nodd 1\n", "list.txt")).toThrow("declares 2 attributes but 1 are listed");
    expect(() => parseAttributeList("2\nheader\nodd 1\nodd 2\n", "list.txt")).toThrow('"odd" is listed twice');
  });

  it("loads list_attr_cloth.txt from a folder", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-taxonomy-"));
    try {
      writeAttributeList(dir);
      const vocabulary = loadAttributeVocabulary(dir);
      expect(vocabulary.entries.length).toBeGreaterThan(10);
      expect(vocabulary.phrases.get("floral print")).toEqual({ name: "floral print", group: "texture" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("mineTitleAttributes", () => {
  const vocabulary = vocabularyOf([
    ["floral", "texture"],
    ["floral print", "texture"],
    ["print", "texture"],
    ["printed", "texture"],
    ["striped", "texture"],
    ["denim", "fabric"],
    ["feather", "fabric"],
    ["slim", "shape"],
    ["fit", "shape"],
    ["v-neck", "part"],
    ["striped v-neck", "part"],
    ["neck striped", "part"],
    ["solid", "style"],
    ["red", "style"],
    ["classic", "style"],
    ["palm tree", "texture"],
    ["sea", "style"],
  ]);

  it("prefers the longest phrase and never overlaps", () => {
    expect(mineTitleAttributes("Acme Women Floral Print Dress", "Acme", vocabulary)).toEqual([
      { group: "texture", value: "floral print" },
    ]);
  });

  it("matches whole words and whole hyphenated compounds, ignoring case", () => {
    expect(mineTitleAttributes("Acme Men PRINTED V Neck Tee", "Acme", vocabulary)).toEqual([
      { group: "texture", value: "printed" },
      { group: "part", value: "v-neck" },
    ]);
    // "Feather-light" is one compound; "Prints" is not the word "print".
    expect(mineTitleAttributes("Acme Men Feather-light Prints Jacket", "Acme", vocabulary)).toEqual([]);
  });

  it("splits compounds of two groups", () => {
    expect(mineTitleAttributes("Acme Women Striped V-Neck Top", "Acme", vocabulary)).toEqual([
      { group: "texture", value: "striped" },
      { group: "part", value: "v-neck" },
    ]);
  });

  it("never emits colours, fragments or marketing words", () => {
    expect(mineTitleAttributes("Acme Men Classic Red Round Neck Striped Slim Fit Shirt", "Acme", vocabulary)).toEqual([
      { group: "texture", value: "striped" },
      { group: "shape", value: "slim" },
    ]);
    expect(mineTitleAttributes("Acme Women Sea Green Solid Kurta", "Acme", vocabulary)).toEqual([
      { group: "style", value: "solid" },
    ]);
  });

  it("removes the brand before matching", () => {
    expect(mineTitleAttributes("Floral Lane Kids Girls Denim Skirt", "Floral Lane", vocabulary)).toEqual([
      { group: "fabric", value: "denim" },
    ]);
    expect(mineTitleAttributes("Floral Lane Kids Girls Denim Skirt", null, vocabulary)).toEqual([
      { group: "texture", value: "floral" },
      { group: "fabric", value: "denim" },
    ]);
    // "palm tree" contains the name word "tree", so the brand "Palm Tree" never leaks in.
    expect(mineTitleAttributes("Palm Tree Kids Girls Denim Skirt", null, vocabulary)).toEqual([
      { group: "fabric", value: "denim" },
    ]);
  });

  it("emits each value once, in title order", () => {
    expect(mineTitleAttributes("Acme Men Denim Solid Denim Jacket", "Acme", vocabulary)).toEqual([
      { group: "fabric", value: "denim" },
      { group: "style", value: "solid" },
    ]);
  });
});

describe("mineTitleAttributes on the real catalogue", () => {
  let vocabulary: AttributeVocabulary | null = null;
  let titles: { title: string; colour: string | null }[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(REAL_TAXONOMY, "list_attr_cloth.txt")) || !fs.existsSync(REAL_STYLES_CSV)) return;
    vocabulary = loadAttributeVocabulary(REAL_TAXONOMY);
    const file = await parseCatalogueCsv(fs.readFileSync(REAL_STYLES_CSV), REAL_STYLES_CSV);
    titles = file.entries.flatMap((entry) => (entry.kind === "row" ? [{ title: entry.row.title, colour: entry.row.colour }] : []));
  });
  afterAll(() => {
    titles = [];
  });

  function mineAll(): { title: string; colour: string | null; mined: MinedAttribute[] }[] {
    const known = collectKnownBrands(titles.map((item) => item.title));
    return titles.map((item) => ({
      ...item,
      mined: mineTitleAttributes(item.title, extractBrand(item.title, known), vocabulary as AttributeVocabulary),
    }));
  }

  it("loads 1,000 attributes", (context) => {
    if (!vocabulary) context.skip(`DeepFashion list or styles.csv not found under ${SHARED}`);
    expect(vocabulary?.entries).toHaveLength(1_000);
  });

  it("never emits colours or audience words", (context) => {
    if (!vocabulary) context.skip(`DeepFashion list or styles.csv not found under ${SHARED}`);

    const baseColours = new Set(titles.flatMap((item) => (item.colour ? [item.colour.toLowerCase()] : [])));
    const offending = mineAll().flatMap(({ title, mined }) =>
      mined
        .filter(({ value }) => {
          const words = value.split(/[\s-]+/);
          return (
            baseColours.has(value) ||
            words.some((word) => COLOUR_WORDS.has(word) || AUDIENCE_WORDS.has(word)) ||
            COLOUR_PHRASES.some((colour) => ` ${value} `.includes(` ${colour} `))
          );
        })
        .map(({ value }) => `${title} -> ${value}`),
    );
    expect(offending).toEqual([]);
  });

  it("finds the common attributes in the right group", (context) => {
    if (!vocabulary) context.skip(`DeepFashion list or styles.csv not found under ${SHARED}`);

    const counts = new Map<string, number>();
    for (const { mined } of mineAll()) {
      for (const { group, value } of mined) counts.set(`${group}:${value}`, (counts.get(`${group}:${value}`) ?? 0) + 1);
    }
    expect(counts.get("texture:printed")).toBeGreaterThan(900);
    expect(counts.get("texture:striped")).toBeGreaterThan(200);
    expect(counts.get("shape:slim")).toBeGreaterThan(80);
    expect(counts.get("style:solid")).toBeGreaterThan(1_000);
    expect(counts.get("fabric:leather")).toBeGreaterThan(100);
    for (const noise of ["shape:shirt", "shape:fit", "style:classic", "style:girls", "style:red", "style:track"]) {
      expect(counts.get(noise), noise).toBeUndefined();
    }
  });

  it.for([
    ["Highlander Men Grey Checked Slim Fit Shirt", [["texture", "checked"], ["shape", "slim"]]],
    ["Reebok Women Grey Solid V-Neck T-shirt", [["style", "solid"], ["part", "v-neck"]]],
    ["Classic Polo Men's White Stripes T-shirt", [["texture", "stripes"]]],
    ["Wrangler Women Floral Print Pink Top", [["texture", "floral print"]]],
    ["Mother Earth Women Solid Sea Blue Kurta", [["style", "solid"]]],
    ["Arrow Men Formal Red Tie+Cufflink+Pocket square - Combo Pack", []],
  ] as [string, string[][]][])("mines %s", ([title, expected], context) => {
    if (!vocabulary) context.skip(`DeepFashion list not found under ${SHARED}`);
    const known = collectKnownBrands(titles.map((item) => item.title));

    const mined = mineTitleAttributes(title, extractBrand(title, known), vocabulary as AttributeVocabulary);
    expect(mined.map(({ group, value }) => [group, value])).toEqual(expected);
  });
});
