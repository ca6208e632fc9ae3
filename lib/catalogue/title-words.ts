/**
 * Splits product titles into words for brand extraction and attribute mining.
 *
 * A word is a run of letters and digits, with inner apostrophes kept ("Men's",
 * "Levi's"). Words joined by a bare hyphen ("T-shirt", "Feather-light",
 * "V-Neck") form one compound: matchers may match the whole compound but never
 * a part of it, so "Feather-light" never yields "feather" and "T-shirt" never
 * yields "shirt".
 */

export interface TitleWord {
  /** The word as written. */
  text: string;
  /** Lower-case form with typographic apostrophes replaced by "'". */
  key: string;
  /** Offset of the first character in the title. */
  start: number;
  /** Offset just past the last character in the title. */
  end: number;
  /** True when a bare hyphen joins this word to the next one. */
  joinedToNext: boolean;
}

const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

export function splitTitleWords(title: string): TitleWord[] {
  const words: TitleWord[] = [];
  for (const match of title.matchAll(WORD_PATTERN)) {
    const start = match.index;
    const end = start + match[0].length;
    const previous = words.at(-1);
    if (previous && previous.end === start - 1 && title[start - 1] === "-") {
      previous.joinedToNext = true;
    }
    words.push({ text: match[0], key: normaliseWord(match[0]), start, end, joinedToNext: false });
  }
  return words;
}

export function normaliseWord(word: string): string {
  return word.toLowerCase().replaceAll("’", "'");
}

/** Returns the matching key of a phrase: the keys of its words joined by single spaces. */
export function phraseKey(phrase: string): string {
  return splitTitleWords(phrase)
    .map((word) => word.key)
    .join(" ");
}

/**
 * True when words[start, end) does not cut through a hyphenated compound,
 * so a phrase matched there is a whole word or a whole compound.
 */
export function isWholeSpan(words: readonly TitleWord[], start: number, end: number): boolean {
  const before = words[start - 1];
  const last = words[end - 1];
  return !(before?.joinedToNext ?? false) && !(last?.joinedToNext ?? false);
}
