import fs from "node:fs";
import path from "node:path";

import { parse } from "csv-parse/sync";

/**
 * Reader for a labelled catalogue folder in the Kaggle "Fashion Product
 * Images" layout: styles.csv (id, gender, masterCategory, subCategory,
 * articleType, baseColour, season, year, usage, productDisplayName) and
 * images/<id>.jpg. Used by training and evaluation.
 */

export interface LabelledProduct {
  id: string;
  gender: string;
  masterCategory: string;
  subCategory: string;
  articleType: string;
  baseColour: string;
  season: string;
  usage: string;
  title: string;
  imagePath: string;
}

const REQUIRED_COLUMNS = ["id", "gender", "articleType", "baseColour", "season", "usage", "productDisplayName"];

/**
 * Reads styles.csv and keeps the rows whose image exists. A row with more
 * fields than the header (unquoted commas in the title, as in the published
 * file) has its trailing fields joined back into the title. Empty label
 * fields stay empty strings; callers decide how to treat them.
 */
export function readLabelledCatalogue(dir: string): { products: LabelledProduct[]; missingImages: string[] } {
  const stylesPath = path.join(dir, "styles.csv");
  if (!fs.existsSync(stylesPath)) {
    throw new Error(`Catalogue not found: ${stylesPath} does not exist (expected styles.csv and images/<id>.jpg)`);
  }
  const rows = parse(fs.readFileSync(stylesPath, "utf8"), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const header = rows[0] ?? [];
  for (const column of REQUIRED_COLUMNS) {
    if (!header.includes(column)) throw new Error(`Invalid ${stylesPath}: column "${column}" is missing`);
  }
  const column = (name: string): number => header.indexOf(name);
  const titleIndex = column("productDisplayName");

  const products: LabelledProduct[] = [];
  const missingImages: string[] = [];
  for (const row of rows.slice(1)) {
    const field = (name: string): string => (row[column(name)] ?? "").trim();
    const id = field("id");
    if (!id) continue;
    const title = row.slice(titleIndex, titleIndex + 1 + Math.max(0, row.length - header.length)).join(",").trim();
    const imagePath = path.join(dir, "images", `${id}.jpg`);
    if (!fs.existsSync(imagePath)) {
      missingImages.push(id);
      continue;
    }
    products.push({
      id,
      gender: field("gender"),
      masterCategory: field("masterCategory"),
      subCategory: field("subCategory"),
      articleType: field("articleType"),
      baseColour: field("baseColour"),
      season: field("season"),
      usage: field("usage"),
      title,
      imagePath,
    });
  }
  return { products, missingImages };
}

/** Lists near-duplicate query images (<id>.jpg) in a folder, sorted by id. */
export function readNearDuplicateQueries(dir: string): { id: string; imagePath: string }[] {
  if (!fs.existsSync(dir)) throw new Error(`Near-duplicate folder not found: ${dir}`);
  return fs
    .readdirSync(dir)
    .filter((name) => /\.(jpe?g|png|webp)$/i.test(name))
    .map((name) => ({ id: name.replace(/\.[^.]+$/, ""), imagePath: path.join(dir, name) }))
    .sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}
