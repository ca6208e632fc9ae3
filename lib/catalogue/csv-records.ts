/**
 * Splits CSV bytes into records with csv-parse and numbers each record by the
 * line of the file it starts on. Quoted fields may contain commas, doubled
 * quotes and line breaks. A byte-order mark is dropped and blank lines are
 * skipped. Records keep their raw field count, so the caller decides what a
 * short or long record means.
 */
import { parse, type CsvError, type Info } from "csv-parse";

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvRecords {
  records: CsvRecord[];
  /**
   * Set when a quoted field is still open at the end of the file. csv-parse
   * then reads everything from `line` to the end as one broken record, which
   * is not in `records`.
   */
  unclosedQuote: { line: number; lastLine: number } | null;
}

/**
 * Parses the whole input. Rejects with the parser's error and the line for
 * any problem other than an unclosed quote.
 */
export async function parseCsvRecords(input: Buffer): Promise<CsvRecords> {
  const lineBreaks = findLineBreakEnds(input);
  const lineAt = (offset: number) => 1 + countBefore(lineBreaks, offset + 1);

  const records: CsvRecord[] = [];
  let consumed = 0;

  const parser = parse({
    bom: true,
    info: true,
    // Rows may be shorter or longer than the header; the caller reports them.
    relax_column_count: true,
    // A quote inside an unquoted field (Levi"s) is kept as a literal character.
    relax_quotes: true,
    skip_empty_lines: true,
  });

  const outcome = await new Promise<CsvError | null>((resolve, reject) => {
    parser.on("data", (item: { record: string[]; info: Info }) => {
      records.push({ line: lineAt(skipLineBreaks(input, consumed)), fields: item.record });
      consumed = item.info.bytes;
    });
    parser.on("error", (error: CsvError) => {
      if (error.code === "CSV_QUOTE_NOT_CLOSED") resolve(error);
      else reject(new Error(`${error.message} (line ${lineAt(skipLineBreaks(input, consumed))})`, { cause: error }));
    });
    parser.on("end", () => resolve(null));
    parser.end(input);
  });

  const unclosedQuote =
    outcome === null ? null : { line: lineAt(skipLineBreaks(input, consumed)), lastLine: lineAt(Math.max(0, input.length - 1)) };
  return { records, unclosedQuote };
}

const CR = 0x0d;
const LF = 0x0a;

/** Offsets just past each line break ("\n", "\r\n" or a lone "\r"), ascending. */
function findLineBreakEnds(input: Buffer): number[] {
  const ends: number[] = [];
  for (let index = 0; index < input.length; index += 1) {
    const byte = input[index];
    if (byte === LF) {
      ends.push(index + 1);
    } else if (byte === CR) {
      if (input[index + 1] === LF) index += 1;
      ends.push(index + 1);
    }
  }
  return ends;
}

/** Number of values in the ascending array `sorted` that are below `limit`. */
function countBefore(sorted: readonly number[], limit: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Skips the blank lines that csv-parse passes over before a record. */
function skipLineBreaks(input: Buffer, offset: number): number {
  let position = offset;
  while (input[position] === CR || input[position] === LF) position += 1;
  return position;
}
