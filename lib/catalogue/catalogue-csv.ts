/**
 * Reads a catalogue file into validated rows. Two header layouts are
 * accepted, and their names may be mixed:
 *
 * - the Kaggle "Fashion Product Images" styles.csv: id, gender,
 *   masterCategory, subCategory, articleType, baseColour, season, year, usage,
 *   productDisplayName;
 * - the upload template (docs/catalogue-upload.md): sku, title, brand, gender,
 *   masterCategory, subCategory, category, colour, season, usage, year, image.
 *
 * Header names match without regard to case. Only the SKU (sku or id) and the
 * title (title or productDisplayName) are required. Other known columns may be
 * missing or in any order, and unknown columns are ignored. Every record after
 * the header becomes either a row or a rejection with a reason, numbered by
 * the line of the file where it starts (the header is line 1). Messages name
 * columns as the file's header writes them.
 *
 * Field rules: surrounding whitespace is trimmed and inner runs of
 * whitespace, line breaks included, become one space (except in image, which
 * is only trimmed because it names a file). An empty field, and "NA" in a
 * label column, becomes null. A year that is not a four-digit number from
 * MIN_YEAR to MAX_YEAR becomes null with a warning on the row. The row is
 * still imported, because the year is informational. Invalid SKUs and titles
 * reject the row. When a SKU repeats, the first row wins.
 */
import fs from "node:fs";

import { parseCsvRecords, type CsvRecord } from "./csv-records";
import { CatalogueImportError, MissingColumnError } from "./errors";

/**
 * The row fields and the header names that fill them: the template's name
 * first, then the Kaggle styles.csv name where it differs.
 */
export const CATALOGUE_FIELDS = {
  sku: ["sku", "id"],
  title: ["title", "productDisplayName"],
  brand: ["brand"],
  gender: ["gender"],
  masterCategory: ["masterCategory"],
  subCategory: ["subCategory"],
  category: ["category", "articleType"],
  colour: ["colour", "baseColour"],
  season: ["season"],
  usage: ["usage"],
  year: ["year"],
  image: ["image"],
} as const satisfies Record<string, readonly string[]>;

export type CatalogueField = keyof typeof CATALOGUE_FIELDS;

export const REQUIRED_FIELDS: readonly CatalogueField[] = ["sku", "title"];

/** Header names that only the Kaggle layout uses; their presence selects Kaggle names in messages. */
const KAGGLE_ONLY_NAMES = new Set(["id", "productdisplayname", "articletype", "basecolour"]);

/** Label fields in which the dataset writes "NA" for a missing value. */
const LABEL_FIELDS = ["gender", "masterCategory", "subCategory", "category", "colour", "season", "usage"] as const;

const MISSING_LABEL = "NA";

/** SKUs name image files (images/<sku>.jpg), so they are limited to file-name-safe characters. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_SKU_LENGTH = 64;
export const MAX_TITLE_LENGTH = 500;
export const MAX_LABEL_LENGTH = 100;
/** Maximum length of an image file name, folders included. */
export const MAX_IMAGE_NAME_LENGTH = 300;
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

export interface CatalogueRow {
  sku: string;
  title: string;
  /** The brand column; null when the file has none, so the importer reads the brand from the title. */
  brand: string | null;
  gender: string | null;
  masterCategory: string | null;
  subCategory: string | null;
  /** The category or articleType column. */
  category: string | null;
  /** The colour or baseColour column. */
  colour: string | null;
  season: string | null;
  usage: string | null;
  year: number | null;
  /** The image column as written (trimmed): a file name or path inside the upload. */
  image: string | null;
  /** Problems that did not stop the row, such as an ignored year. */
  warnings: string[];
}

export type CatalogueEntry =
  | { kind: "row"; line: number; row: CatalogueRow }
  | { kind: "rejected"; line: number; sku: string | null; reason: string };

export interface CatalogueFile {
  file: string;
  /** Header columns that the importer does not read. */
  ignoredColumns: string[];
  /** One entry per record after the header, in file order. */
  entries: CatalogueEntry[];
}

/** Reads and validates a catalogue file; throws CatalogueImportError when the file or its header is unusable. */
export async function readCatalogueCsv(file: string): Promise<CatalogueFile> {
  let input: Buffer;
  try {
    input = await fs.promises.readFile(file);
  } catch (error) {
    throw new CatalogueImportError(`Cannot read catalogue file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseCatalogueCsv(input, file);
}

/** Parses catalogue CSV bytes; `file` names the source in messages. */
export async function parseCatalogueCsv(input: Buffer, file: string): Promise<CatalogueFile> {
  let parsed;
  try {
    parsed = await parseCsvRecords(input);
  } catch (error) {
    throw new CatalogueImportError(`Invalid CSV in ${file}: ${(error as Error).message}`, { cause: error });
  }

  const [header, ...records] = parsed.records;
  if (!header) {
    throw new CatalogueImportError(
      `Catalogue file ${file} is empty: it needs a header line naming at least the columns ${REQUIRED_FIELDS.join(" and ")}`,
    );
  }
  const layout = readHeader(header, file);

  const entries: CatalogueEntry[] = [];
  const firstLineBySku = new Map<string, number>();
  for (const record of records) {
    const entry = readRecord(record, layout);
    if (entry.kind === "row") {
      const firstLine = firstLineBySku.get(entry.row.sku);
      if (firstLine !== undefined) {
        const column = layout.names.sku;
        entries.push(
          rejected(record.line, entry.row.sku, `duplicate ${column} "${entry.row.sku}": line ${firstLine} has the same ${column} and is the one imported`),
        );
        continue;
      }
      firstLineBySku.set(entry.row.sku, record.line);
    }
    entries.push(entry);
  }

  if (parsed.unclosedQuote) {
    const { line, lastLine } = parsed.unclosedQuote;
    const lines = line === lastLine ? `line ${line}` : `lines ${line} to ${lastLine}`;
    entries.push(rejected(line, null, `a quoted field opened on line ${line} is never closed, so ${lines} could not be read`));
  }

  return { file, ignoredColumns: layout.ignoredColumns, entries };
}

interface HeaderLayout {
  /** Index of each field's column in a record. */
  indexes: Partial<Record<CatalogueField, number>>;
  /** Each field's column name as the header writes it, or its template name when the file lacks it. */
  names: Record<CatalogueField, string>;
  columnCount: number;
  /** True when the title is the last column, so a record's extra fields belong to it. */
  titleIsLast: boolean;
  ignoredColumns: string[];
}

/** Header name in lower case -> field. */
const FIELD_BY_NAME = new Map<string, CatalogueField>(
  Object.entries(CATALOGUE_FIELDS).flatMap(([field, names]) => names.map((name) => [name.toLowerCase(), field as CatalogueField])),
);

function readHeader(header: CsvRecord, file: string): HeaderLayout {
  const columns = header.fields.map((name) => name.trim());
  const indexes: Partial<Record<CatalogueField, number>> = {};
  const names = Object.fromEntries(
    Object.entries(CATALOGUE_FIELDS).map(([field, aliases]) => [field, aliases[0]]),
  ) as Record<CatalogueField, string>;
  const ignoredColumns: string[] = [];

  columns.forEach((name, index) => {
    const field = FIELD_BY_NAME.get(name.toLowerCase());
    if (field === undefined) {
      ignoredColumns.push(name);
      return;
    }
    if (indexes[field] !== undefined) {
      const first = columns[indexes[field]];
      const where = first === name ? `column "${name}" appears twice` : `columns "${first}" and "${name}" both hold the ${field}`;
      throw new CatalogueImportError(`Invalid header in ${file}: ${where}`);
    }
    indexes[field] = index;
    names[field] = name;
  });

  const missing = REQUIRED_FIELDS.filter((field) => indexes[field] === undefined);
  if (missing.length > 0) {
    const described = missing.map((field) => describeMissingColumn(field, columns));
    throw new MissingColumnError(
      `Missing required column ${described.join(" and ")} in ${file}: the header line is "${columns.join(",")}" and must name ` +
        `${REQUIRED_FIELDS.join(" and ")} (the Kaggle styles.csv layout calls them ${REQUIRED_FIELDS.map((field) => kaggleName(field)).join(" and ")})`,
      missing.map((field) => missingColumnName(field, columns)),
    );
  }

  return {
    indexes,
    names,
    columnCount: columns.length,
    titleIsLast: indexes.title === columns.length - 1,
    ignoredColumns,
  };
}

/**
 * Names a missing required column the way the header would: by its Kaggle
 * name when the header uses Kaggle names, else by its template name.
 */
function missingColumnName(field: CatalogueField, columns: readonly string[]): string {
  const usesKaggleNames = columns.some((name) => KAGGLE_ONLY_NAMES.has(name.toLowerCase()));
  return usesKaggleNames ? kaggleName(field) : CATALOGUE_FIELDS[field][0];
}

/** Quotes the missing column's name, adding its other accepted name when the header uses neither layout's names. */
function describeMissingColumn(field: CatalogueField, columns: readonly string[]): string {
  const name = missingColumnName(field, columns);
  const knowsLayout = columns.some((column) => FIELD_BY_NAME.has(column.toLowerCase()));
  const kaggle = kaggleName(field);
  return knowsLayout || kaggle === name ? `"${name}"` : `"${name}" (or "${kaggle}")`;
}

function kaggleName(field: CatalogueField): string {
  const names: readonly string[] = CATALOGUE_FIELDS[field];
  return names[names.length - 1] as string;
}

function readRecord(record: CsvRecord, layout: HeaderLayout): CatalogueEntry {
  const fields = fitToHeader(record.fields, layout);
  if (typeof fields === "string") {
    return rejected(record.line, cleanField(record.fields[layout.indexes.sku ?? 0] ?? ""), fields);
  }

  const raw = (field: CatalogueField): string | null => {
    const index = layout.indexes[field];
    return index === undefined ? null : (fields[index] as string);
  };
  const field = (name: CatalogueField): string | null => {
    const value = raw(name);
    return value === null ? null : cleanField(value);
  };
  const { names } = layout;

  const sku = field("sku");
  const skuProblem = validateSku(sku, names.sku);
  if (skuProblem) return rejected(record.line, sku, skuProblem);

  const title = field("title");
  if (title === null) return rejected(record.line, sku, `${names.title} is empty`);
  if (title.length > MAX_TITLE_LENGTH) {
    return rejected(record.line, sku, `${names.title} has ${title.length} characters; the maximum is ${MAX_TITLE_LENGTH}`);
  }

  const labels: Partial<Record<(typeof LABEL_FIELDS)[number], string | null>> = {};
  for (const name of LABEL_FIELDS) {
    const value = field(name);
    if (value !== null && value.length > MAX_LABEL_LENGTH) {
      return rejected(record.line, sku, `${names[name]} has ${value.length} characters; the maximum is ${MAX_LABEL_LENGTH}`);
    }
    labels[name] = value === MISSING_LABEL ? null : value;
  }

  const brand = field("brand");
  if (brand !== null && brand.length > MAX_LABEL_LENGTH) {
    return rejected(record.line, sku, `${names.brand} has ${brand.length} characters; the maximum is ${MAX_LABEL_LENGTH}`);
  }

  const image = raw("image")?.trim() || null;
  if (image !== null && image.length > MAX_IMAGE_NAME_LENGTH) {
    return rejected(record.line, sku, `${names.image} has ${image.length} characters; the maximum is ${MAX_IMAGE_NAME_LENGTH}`);
  }

  const warnings: string[] = [];
  const year = readYear(field("year"), warnings);

  return {
    kind: "row",
    line: record.line,
    row: {
      sku: sku as string,
      title,
      brand,
      gender: labels.gender ?? null,
      masterCategory: labels.masterCategory ?? null,
      subCategory: labels.subCategory ?? null,
      category: labels.category ?? null,
      colour: labels.colour ?? null,
      season: labels.season ?? null,
      usage: labels.usage ?? null,
      year,
      image,
      warnings,
    },
  };
}

/** Returns the record's fields, one per header column, or the reason the record is rejected. */
function fitToHeader(fields: string[], layout: HeaderLayout): string[] | string {
  if (fields.length < layout.columnCount) {
    return `has ${fields.length} fields but the header has ${layout.columnCount} columns`;
  }
  if (fields.length === layout.columnCount) return fields;

  const extras = fields.slice(layout.columnCount);
  // Trailing empty fields come from trailing commas and carry nothing.
  if (extras.every((extra) => extra.trim() === "")) return fields.slice(0, layout.columnCount);

  // styles.csv as published has unquoted commas inside productDisplayName, its
  // last column ("Newfeel Unisex White, Blue and Orange Casual Shoes"). Such a
  // record has extra fields, which are the rest of the title.
  if (!layout.titleIsLast) {
    return `has ${fields.length} fields but the header has ${layout.columnCount} columns; quote fields that contain commas`;
  }
  const titleIndex = layout.columnCount - 1;
  return [...fields.slice(0, titleIndex), fields.slice(titleIndex).join(",")];
}

function validateSku(sku: string | null, column: string): string | null {
  if (sku === null) return `${column} is empty`;
  if (sku.length > MAX_SKU_LENGTH) {
    return `${column} "${sku.slice(0, 20)}..." has ${sku.length} characters; the maximum is ${MAX_SKU_LENGTH}`;
  }
  if (!SKU_PATTERN.test(sku)) {
    return `${column} "${sku}" is invalid: use letters, digits, ".", "_" and "-", starting with a letter or digit`;
  }
  return null;
}

function readYear(value: string | null, warnings: string[]): number | null {
  if (value === null || value === MISSING_LABEL) return null;
  const match = /^(\d{4})(?:\.0+)?$/.exec(value);
  const year = match ? Number(match[1]) : NaN;
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) {
    warnings.push(`year "${value}" ignored: expected a year from ${MIN_YEAR} to ${MAX_YEAR}`);
    return null;
  }
  return year;
}

/** Trims a field and turns inner whitespace runs into single spaces; empty becomes null. */
export function cleanField(value: string): string | null {
  const cleaned = value.replace(/\s+/g, " ").trim();
  return cleaned === "" ? null : cleaned;
}

function rejected(line: number, sku: string | null, reason: string): CatalogueEntry {
  return { kind: "rejected", line, sku, reason };
}
