/**
 * Reads a catalogue file in the layout of the Kaggle "Fashion Product Images"
 * styles.csv (id, gender, masterCategory, subCategory, articleType,
 * baseColour, season, year, usage, productDisplayName) into validated rows.
 *
 * Only id and productDisplayName are required; other known columns may be
 * missing or in any order, and unknown columns are ignored. Every record after
 * the header becomes either a row or a rejection with a reason, numbered by
 * the line of the file where it starts (the header is line 1).
 *
 * Field rules: surrounding whitespace is trimmed and inner runs of
 * whitespace, line breaks included, become one space. An empty field, and
 * "NA" in a label column, becomes null. A year that is not a four-digit
 * number from MIN_YEAR to MAX_YEAR becomes null with a warning on the row.
 * The row is still imported, because the year is informational. Invalid ids
 * and titles reject the row. When an id repeats, the first row wins.
 */
import fs from "node:fs";

import { parseCsvRecords, type CsvRecord } from "./csv-records";
import { CatalogueImportError } from "./errors";

/** Maps the file's column names to the fields of a row. */
export const CATALOGUE_COLUMNS = {
  id: "sku",
  productDisplayName: "title",
  gender: "gender",
  masterCategory: "masterCategory",
  subCategory: "subCategory",
  articleType: "category",
  baseColour: "colour",
  season: "season",
  year: "year",
  usage: "usage",
} as const;

export type CatalogueColumn = keyof typeof CATALOGUE_COLUMNS;

export const REQUIRED_COLUMNS: readonly CatalogueColumn[] = ["id", "productDisplayName"];

/** Label columns in which the dataset writes "NA" for a missing value. */
const LABEL_COLUMNS: readonly CatalogueColumn[] = [
  "gender",
  "masterCategory",
  "subCategory",
  "articleType",
  "baseColour",
  "season",
  "usage",
];

const MISSING_LABEL = "NA";

/** SKUs name image files (images/<sku>.jpg), so they are limited to file-name-safe characters. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_SKU_LENGTH = 64;
export const MAX_TITLE_LENGTH = 500;
export const MAX_LABEL_LENGTH = 100;
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

export interface CatalogueRow {
  sku: string;
  title: string;
  gender: string | null;
  masterCategory: string | null;
  subCategory: string | null;
  /** The articleType column. */
  category: string | null;
  /** The baseColour column. */
  colour: string | null;
  season: string | null;
  usage: string | null;
  year: number | null;
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
      `Catalogue file ${file} is empty: it needs a header line naming at least the columns ${REQUIRED_COLUMNS.join(" and ")}`,
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
        entries.push(rejected(record.line, entry.row.sku, `duplicate id "${entry.row.sku}": line ${firstLine} has the same id and is the one imported`));
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
  /** Index of each known column in a record. */
  indexes: Partial<Record<CatalogueColumn, number>>;
  columnCount: number;
  /** True when productDisplayName is the last column, so a record's extra fields belong to it. */
  titleIsLast: boolean;
  ignoredColumns: string[];
}

function readHeader(header: CsvRecord, file: string): HeaderLayout {
  const names = header.fields.map((name) => name.trim());
  const indexes: Partial<Record<CatalogueColumn, number>> = {};
  const ignoredColumns: string[] = [];

  names.forEach((name, index) => {
    if (!Object.hasOwn(CATALOGUE_COLUMNS, name)) {
      ignoredColumns.push(name);
      return;
    }
    const column = name as CatalogueColumn;
    if (indexes[column] !== undefined) {
      throw new CatalogueImportError(`Invalid header in ${file}: column "${name}" appears twice`);
    }
    indexes[column] = index;
  });

  const missing = REQUIRED_COLUMNS.filter((column) => indexes[column] === undefined);
  if (missing.length > 0) {
    const list = missing.map((column) => `"${column}"`).join(" and ");
    throw new CatalogueImportError(
      `Missing required column ${list} in ${file}: the header line is "${names.join(",")}" and must name ${REQUIRED_COLUMNS.join(" and ")}`,
    );
  }

  return {
    indexes,
    columnCount: names.length,
    titleIsLast: indexes.productDisplayName === names.length - 1,
    ignoredColumns,
  };
}

function readRecord(record: CsvRecord, layout: HeaderLayout): CatalogueEntry {
  const fields = fitToHeader(record.fields, layout);
  if (typeof fields === "string") {
    return rejected(record.line, cleanField(record.fields[layout.indexes.id ?? 0] ?? ""), fields);
  }

  const field = (column: CatalogueColumn): string | null => {
    const index = layout.indexes[column];
    return index === undefined ? null : cleanField(fields[index] as string);
  };

  const sku = field("id");
  const skuProblem = validateSku(sku);
  if (skuProblem) return rejected(record.line, sku, skuProblem);

  const title = field("productDisplayName");
  if (title === null) return rejected(record.line, sku, "productDisplayName is empty");
  if (title.length > MAX_TITLE_LENGTH) {
    return rejected(record.line, sku, `productDisplayName has ${title.length} characters; the maximum is ${MAX_TITLE_LENGTH}`);
  }

  const labels: Partial<Record<CatalogueColumn, string | null>> = {};
  for (const column of LABEL_COLUMNS) {
    const value = field(column);
    if (value !== null && value.length > MAX_LABEL_LENGTH) {
      return rejected(record.line, sku, `${column} has ${value.length} characters; the maximum is ${MAX_LABEL_LENGTH}`);
    }
    labels[column] = value === MISSING_LABEL ? null : value;
  }

  const warnings: string[] = [];
  const year = readYear(field("year"), warnings);

  return {
    kind: "row",
    line: record.line,
    row: {
      sku: sku as string,
      title,
      gender: labels.gender ?? null,
      masterCategory: labels.masterCategory ?? null,
      subCategory: labels.subCategory ?? null,
      category: labels.articleType ?? null,
      colour: labels.baseColour ?? null,
      season: labels.season ?? null,
      usage: labels.usage ?? null,
      year,
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

function validateSku(sku: string | null): string | null {
  if (sku === null) return "id is empty";
  if (sku.length > MAX_SKU_LENGTH) return `id "${sku.slice(0, 20)}..." has ${sku.length} characters; the maximum is ${MAX_SKU_LENGTH}`;
  if (!SKU_PATTERN.test(sku)) {
    return `id "${sku}" is invalid: use letters, digits, ".", "_" and "-", starting with a letter or digit`;
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
