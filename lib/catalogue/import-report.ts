/**
 * Writes the per-row report of an import as CSV: row, sku, outcome, reason.
 * Cells are quoted as RFC 4180 requires, and a cell that a spreadsheet would
 * run as a formula (starting with =, +, -, @, tab or carriage return) gets a
 * leading apostrophe, so opening the report never runs catalogue text.
 */
import fs from "node:fs";
import path from "node:path";

import type { ImportOutcome } from "./types";

export interface RowOutcome {
  /** 1-based line of the source file. */
  rowNumber: number;
  sku: string | null;
  productId: number | null;
  outcome: ImportOutcome;
  reason: string | null;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Writes the report for batch `batchId` into `reportsDir` and returns the file's absolute path. */
export async function writeImportReport(
  reportsDir: string,
  batchId: number,
  outcomes: readonly RowOutcome[],
  now: Date = new Date(),
): Promise<string> {
  await fs.promises.mkdir(reportsDir, { recursive: true });
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const file = path.join(reportsDir, `import-${batchId}-${stamp}.csv`);

  const lines = ["row,sku,outcome,reason"];
  for (const outcome of outcomes) {
    lines.push(
      [String(outcome.rowNumber), outcome.sku ?? "", outcome.outcome, outcome.reason ?? ""].map(formatCell).join(","),
    );
  }
  await fs.promises.writeFile(file, `${lines.join("\r\n")}\r\n`, "utf8");
  return file;
}

/** Neutralises formula starts, then quotes the cell when it contains a comma, quote or line break. */
export function formatCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
