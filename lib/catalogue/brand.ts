/**
 * Brand extraction from product titles. Catalogue titles start with the brand
 * and then name the audience: "Quechua Men Sweat Proof Blue T-shirt",
 * "United Colors of Benetton Women Black Top". The brand is the text before
 * the first gender word. Titles without a gender word ("ADIDAS Black
 * Backpack") fall back to the longest brand already seen in front of a gender
 * word in other titles of the same catalogue.
 */
import { phraseKey, splitTitleWords, type TitleWord } from "./title-words";

/** Words that name the audience and end the brand, in lower case, possessives included. */
export const GENDER_WORDS: ReadonlySet<string> = new Set([
  "men", "mens", "men's", "man", "man's",
  "women", "womens", "women's", "woman", "woman's",
  "boys", "boy", "boy's",
  "girls", "girl", "girl's",
  "kids", "kid", "kid's",
  "unisex",
  "baby", "babies", "infant", "infants", "toddler", "toddlers",
]);

/**
 * Maximum words of a brand. A gender word further into the title ("Ed Hardy
 * Life Love & Luck by Christian Audigier for Women Perfume") follows a product
 * name, not a brand, so such titles get no brand from the gender-word rule.
 */
export const MAX_BRAND_WORDS = 5;

/** Brands seen in front of a gender word, keyed by phraseKey(brand). */
export type KnownBrands = ReadonlyMap<string, string>;

/**
 * Returns the brand at the start of the title, or null when the title names
 * none: no gender word in the first MAX_BRAND_WORDS + 1 words and no known
 * brand as a prefix.
 */
export function extractBrand(title: string, knownBrands: KnownBrands = new Map()): string | null {
  const words = splitTitleWords(title);
  return brandBeforeGenderWord(title, words) ?? knownBrandPrefix(title, words, knownBrands);
}

/** Collects the brands that the gender-word rule finds in the given titles. */
export function collectKnownBrands(titles: Iterable<string>): KnownBrands {
  const brands = new Map<string, string>();
  for (const title of titles) {
    const brand = brandBeforeGenderWord(title, splitTitleWords(title));
    if (brand !== null) {
      const key = phraseKey(brand);
      if (!brands.has(key)) brands.set(key, brand);
    }
  }
  return brands;
}

/**
 * Returns the index of the first word that is a gender word, or a hyphenated
 * compound made only of gender words ("Kids-Unisex"). -1 when there is none.
 */
export function findGenderWord(words: readonly TitleWord[]): number {
  let compoundStart = 0;
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as TitleWord;
    if (word.joinedToNext) continue;
    const compound = words.slice(compoundStart, index + 1);
    if (compound.every((part) => GENDER_WORDS.has(part.key))) return compoundStart;
    compoundStart = index + 1;
  }
  return -1;
}

function brandBeforeGenderWord(title: string, words: readonly TitleWord[]): string | null {
  const genderIndex = findGenderWord(words);
  if (genderIndex <= 0 || genderIndex > MAX_BRAND_WORDS) return null;

  let brandEnd = genderIndex;
  // "Acme for Women" names the brand "Acme".
  if (words[brandEnd - 1]?.key === "for") brandEnd -= 1;
  if (brandEnd === 0) return null;

  return title.slice((words[0] as TitleWord).start, (words[brandEnd - 1] as TitleWord).end);
}

function knownBrandPrefix(title: string, words: readonly TitleWord[], knownBrands: KnownBrands): string | null {
  // The brand must leave at least one word of product name after it.
  const maxLength = Math.min(MAX_BRAND_WORDS, words.length - 1);
  for (let length = maxLength; length >= 1; length -= 1) {
    if (words[length - 1]?.joinedToNext) continue;
    const key = words
      .slice(0, length)
      .map((word) => word.key)
      .join(" ");
    if (knownBrands.has(key)) {
      return title.slice((words[0] as TitleWord).start, (words[length - 1] as TitleWord).end);
    }
  }
  return null;
}
