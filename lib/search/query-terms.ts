/**
 * Splits a shopper's query into search terms. Both text matchers (SQLite FTS5
 * and PostgreSQL tsquery) receive the same terms, which contain only letters
 * and digits, so no character of the input can reach either query syntax.
 */

/**
 * The stop words of PostgreSQL's 'english' text search configuration (the
 * file tsearch_data/english.stop shipped with PostgreSQL 15, taken from
 * Snowball). PostgreSQL leaves them out of documents and queries; dropping
 * them from queries on SQLite as well keeps the two providers' matches equal.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "i me my myself we our ours ourselves you your yours yourself yourselves " +
    "he him his himself she her hers herself it its itself they them their " +
    "theirs themselves what which who whom this that these those am is are " +
    "was were be been being have has had having do does did doing a an the " +
    "and but if or because as until while of at by for with about against " +
    "between into through during before after above below to from up down " +
    "in out on off over under again further then once here there when where " +
    "why how all any both each few more most other some such no nor not only " +
    "own same so than too very s t can will just don should now"
  ).split(" "),
);

/**
 * Runs of characters that are not letters, combining marks or digits
 * separate terms. Marks stay inside words because many scripts (Devanagari
 * vowel signs, for one) write letters with them.
 */
const SEPARATOR = /[^\p{L}\p{M}\p{N}]+/u;

/**
 * Returns the distinct search terms of a query, in input order: NFKC-normalised,
 * lower-cased and without English stop words. "Men's T-Shirt" gives
 * ["men", "shirt"], because "s" and "t" are stop words. A query of only
 * punctuation or stop words gives no terms. Diacritics are left to each
 * database's tokenizer.
 */
export function tokenizeQuery(q: string): string[] {
  const normalized = q.normalize("NFKC").toLowerCase();
  const terms: string[] = [];
  for (const word of normalized.split(SEPARATOR)) {
    if (word === "" || ENGLISH_STOP_WORDS.has(word) || terms.includes(word)) continue;
    terms.push(word);
  }
  return terms;
}
