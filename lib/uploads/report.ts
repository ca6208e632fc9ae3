/**
 * The downloadable report of an upload, built from its stored outcomes: one
 * line per CSV row (imported, updated, unchanged or skipped, with the reason)
 * and then one line per file that was not imported. Cells go through the
 * importer's formatCell, so a cell that a spreadsheet would run as a formula
 * is neutralised. The file starts with a UTF-8 byte-order mark so that
 * spreadsheet programs read non-ASCII text correctly.
 */
import { formatCell } from "../catalogue/import-report";
import type { Db } from "../db/client";
import { FILE_OUTCOME_ROW } from "./file-outcomes";

export const REPORT_HEADER = ["row", "sku", "outcome", "reason"];

/** Outcomes read per query, so a large batch never loads at once. */
const PAGE_SIZE = 2_000;

export interface ReportOptions {
  /** Only rejected rows and files (outcome "skipped"). */
  rejectedOnly?: boolean;
}

export async function buildUploadReport(db: Pick<Db, "importRowOutcome">, batchId: number, options: ReportOptions = {}): Promise<string> {
  type Outcome = { id: number; rowNumber: number; sku: string | null; outcome: string; reason: string | null };
  const outcomes: Outcome[] = [];
  let afterId = 0;
  for (;;) {
    const page = await db.importRowOutcome.findMany({
      where: { batchId, id: { gt: afterId }, ...(options.rejectedOnly ? { outcome: "skipped" } : {}) },
      orderBy: { id: "asc" },
      take: PAGE_SIZE,
      select: { id: true, rowNumber: true, sku: true, outcome: true, reason: true },
    });
    outcomes.push(...page);
    if (page.length < PAGE_SIZE) break;
    afterId = (page[page.length - 1] as Outcome).id;
  }

  // Rows in file order first, then files (row number FILE_OUTCOME_ROW) in the order they were recorded.
  const sortKey = (outcome: Outcome) => (outcome.rowNumber === FILE_OUTCOME_ROW ? Number.MAX_SAFE_INTEGER : outcome.rowNumber);
  outcomes.sort((a, b) => sortKey(a) - sortKey(b) || a.id - b.id);

  const lines = [REPORT_HEADER.join(",")];
  for (const outcome of outcomes) {
    const row = outcome.rowNumber === FILE_OUTCOME_ROW ? "" : String(outcome.rowNumber);
    lines.push([row, outcome.sku ?? "", outcome.outcome, outcome.reason ?? ""].map(formatCell).join(","));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
