/**
 * The CSV template that merchants download from the upload page. Its columns
 * are the template names of lib/catalogue/catalogue-csv.ts; the example rows
 * show a quoted title with a comma and both ways of naming an image.
 * docs/catalogue-upload.md describes the same columns.
 */
import { formatCell } from "../catalogue/import-report";

export interface TemplateColumn {
  name: string;
  required: boolean;
}

export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = [
  { name: "sku", required: true },
  { name: "title", required: true },
  { name: "brand", required: false },
  { name: "gender", required: false },
  { name: "masterCategory", required: false },
  { name: "subCategory", required: false },
  { name: "category", required: false },
  { name: "colour", required: false },
  { name: "season", required: false },
  { name: "usage", required: false },
  { name: "year", required: false },
  { name: "image", required: false },
];

const EXAMPLE_ROWS: readonly (readonly string[])[] = [
  ["SHIRT-001", "Acme Men Blue Striped Slim Fit Shirt", "Acme", "Men", "Apparel", "Topwear", "Shirts", "Blue", "Summer", "Casual", "2024", "shirts/SHIRT-001.jpg"],
  ["DRESS-002", "Acme Women Red, White Floral Dress", "Acme", "Women", "Apparel", "Dress", "Dresses", "Red", "Spring", "Casual", "2024", ""],
];

export const TEMPLATE_FILE_NAME = "stylelens-catalogue-template.csv";

/** Builds the template file: header and example rows, CRLF line ends, cells quoted where needed. */
export function templateCsv(): string {
  const lines = [TEMPLATE_COLUMNS.map((column) => column.name).join(",")];
  for (const row of EXAMPLE_ROWS) lines.push(row.map(formatCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
