/**
 * Cuts a small catalogue out of the real "Fashion Product Images" styles.csv
 * for the end-to-end tests. Rows are copied byte for byte, so the fixture
 * keeps the real file's quirks (unquoted commas in titles, empty fields).
 */

/** Rows in the fixture, an upper bound. */
export const FIXTURE_ROWS = 400;
/** Colours of striped shirts kept, most common first. */
export const STRIPED_SHIRT_COLOURS = 4;
/** Striped shirts kept per colour. */
export const STRIPED_SHIRTS_PER_COLOUR = 8;

/** Columns before productDisplayName, the only column that may contain commas. */
const FIXED_COLUMNS = 9;

export interface StyleRow {
  id: string;
  articleType: string;
  colour: string;
  title: string;
  /** The row as it appears in styles.csv, without the line break. */
  line: string;
}

/**
 * Splits styles.csv into its header and rows. The file quotes nothing, and
 * only the last column (the title) may contain commas, so everything after
 * the ninth comma is the title.
 */
export function readStyleRows(csv: string): { header: string; rows: StyleRow[] } {
  const lines = csv.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines.shift() ?? "";
  const rows = lines
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const fields = line.split(",");
      return {
        id: fields[0] ?? "",
        articleType: fields[4] ?? "",
        colour: fields[5] ?? "",
        title: fields.slice(FIXED_COLUMNS).join(","),
        line,
      };
    });
  return { header, rows };
}

export function isStripedShirt(row: StyleRow): boolean {
  return row.articleType === "Shirts" && /\bstriped\b/i.test(row.title);
}

/**
 * Picks the fixture rows, in file order: striped shirts in several colours,
 * every row with a comma in its title, then an even spread of the rest up to
 * `limit`. The search test needs a colour facet whose count differs from the
 * total, hence the several colours.
 */
export function selectFixtureRows(rows: StyleRow[], limit = FIXTURE_ROWS): StyleRow[] {
  const chosen = new Set<StyleRow>();

  const stripedByColour = new Map<string, StyleRow[]>();
  for (const row of rows.filter(isStripedShirt)) {
    const list = stripedByColour.get(row.colour) ?? [];
    list.push(row);
    stripedByColour.set(row.colour, list);
  }
  const colours = [...stripedByColour.entries()]
    .sort(([colourA, a], [colourB, b]) => b.length - a.length || colourA.localeCompare(colourB))
    .slice(0, STRIPED_SHIRT_COLOURS);
  for (const [, list] of colours) {
    for (const row of list.slice(0, STRIPED_SHIRTS_PER_COLOUR)) chosen.add(row);
  }

  for (const row of rows) {
    if (row.title.includes(",")) chosen.add(row);
  }

  const rest = rows.filter((row) => !chosen.has(row));
  const remaining = Math.max(0, limit - chosen.size);
  const step = remaining > 0 ? Math.max(1, Math.floor(rest.length / remaining)) : Infinity;
  for (let index = 0; index < rest.length && chosen.size < limit; index += step) {
    chosen.add(rest[index] as StyleRow);
  }

  return rows.filter((row) => chosen.has(row));
}
