/**
 * Mines texture, fabric, shape, part and style attributes from product titles,
 * using the DeepFashion attribute list (list_attr_cloth.txt) as the
 * vocabulary. The labels feed the search facets and the training of the
 * attribute model, so the rule is deterministic:
 *
 * 1. Remove the brand from the start of the title ("Palm Tree Kids Girls
 *    Printed Skirt" with brand "Palm Tree" leaves "Kids Girls Printed Skirt").
 * 2. Find every vocabulary phrase that occurs as whole words, ignoring case.
 *    A hyphenated compound counts as one word: "V-Neck" and "V Neck" match
 *    "v-neck", and "Feather-light" never matches "feather".
 * 3. Take matches longest phrase first (most words, then leftmost) and drop
 *    any match that overlaps one already taken.
 * 4. Emit each taken phrase once, in title order, as its lower-case
 *    vocabulary name.
 *
 * DeepFashion's names were themselves mined from shop titles, so the list
 * contains colours, audience words, product types, place and character names,
 * and compounds of two attributes ("striped v-neck"). The vocabulary leaves
 * out, before matching:
 * - every phrase containing a word of an excluding word list (COLOUR_WORDS,
 *   AUDIENCE_WORDS, PRODUCT_TYPE_WORDS, USAGE_AND_SEASON_WORDS,
 *   MARKETING_WORDS, NAME_WORDS), so "red floral" is no phrase but "floral" in
 *   "Red Floral Top" still matches;
 * - the exact phrases of AMBIGUOUS_PHRASES and FRAGMENT_PHRASES;
 * - every phrase made of shorter vocabulary phrases of which one belongs to
 *   another group, so "Striped V-Neck" yields texture "striped" and part
 *   "v-neck" instead of one part.
 * COLOUR_PHRASES and NON_ATTRIBUTE_PHRASES take part in step 3 but emit
 * nothing, so "Sea Green" never yields "sea" and "Pocket Square" never yields
 * "pocket".
 *
 * The lists were curated by mining the 10,474 titles of the Kaggle "Fashion
 * Product Images" styles.csv and reading the most frequent matches of each
 * group. Titles from other catalogues may need more entries, mostly in
 * NAME_WORDS.
 */
import fs from "node:fs";
import path from "node:path";

import { GENDER_WORDS } from "./brand";
import { MULTI_ATTRIBUTE_GROUPS, type MultiAttributeGroup } from "./types";
import { isWholeSpan, phraseKey, splitTitleWords, type TitleWord } from "./title-words";

export const ATTRIBUTE_LIST_FILE = "list_attr_cloth.txt";

export interface VocabularyEntry {
  /** The attribute name as listed, in lower case ("abstract chevron print"). */
  name: string;
  group: MultiAttributeGroup;
}

export interface AttributeVocabulary {
  /** Every attribute of the list, in file order (the order of a model's output vector). */
  entries: readonly VocabularyEntry[];
  /** Entries that mining may emit, keyed by phraseKey(name). */
  phrases: ReadonlyMap<string, VocabularyEntry>;
  /** Keys of phrases that take their words in a title but emit nothing (colours, product names). */
  blockedPhrases: ReadonlySet<string>;
  /** Word count of the longest key in `phrases` or `blockedPhrases`. */
  maxPhraseWords: number;
}

export interface MinedAttribute {
  group: MultiAttributeGroup;
  value: string;
}

// Exclusions. A word list excludes every phrase that contains one of its
// words. A phrase list excludes that exact phrase only, so longer phrases that
// contain it ("flat front", "stone washed") still match.

/**
 * Colour is its own single-valued attribute (baseColour): every one-word
 * baseColour value of styles.csv, other colour names and shade modifiers.
 */
export const COLOUR_WORDS: ReadonlySet<string> = new Set([
  // one-word baseColour values of styles.csv
  "black", "blue", "white", "brown", "grey", "red", "green", "purple", "pink", "beige",
  "maroon", "yellow", "silver", "olive", "orange", "gold", "steel", "cream", "multi",
  "tan", "charcoal", "khaki", "lavender", "peach", "magenta", "copper", "mustard", "teal",
  "skin", "rust", "bronze", "taupe", "metallic", "burgundy", "nude", "mauve", "rose",
  // words of multi-word baseColour values that name a colour on their own
  "navy", "turquoise", "coffee", "lime",
  // other colour names
  "gray", "ivory", "indigo", "violet", "aqua", "coral", "fuchsia", "fuschia", "wine",
  "mint", "camel", "crimson", "scarlet", "lilac", "plum", "ecru", "ochre", "cobalt",
  "emerald", "neon", "golden", "multicolour", "multicolor", "multicoloured", "colour",
  "color", "colourblock", "colorblock", "colorblocked", "blush", "salmon", "berry",
  "cherry", "lemon", "chocolate", "caramel", "mocha", "honey", "jade", "ruby", "sapphire",
  "amber", "champagne", "pastel",
  // shade modifiers
  "light", "dark", "pale", "bright", "deep",
]);

/** The audience is the gender attribute. */
export const AUDIENCE_WORDS: ReadonlySet<string> = new Set([...GENDER_WORDS, "lady", "ladies", "gent", "gents"]);

/** The product type is the category (articleType), not an attribute of it. */
export const PRODUCT_TYPE_WORDS: ReadonlySet<string> = new Set([
  "shirt", "trouser", "tunic", "capri", "combo", "track", "bandana", "lounge", "windbreaker",
  "skort", "kurt",
]);

/** Usage and season are their own single-valued attributes. */
export const USAGE_AND_SEASON_WORDS: ReadonlySet<string> = new Set([
  "summer", "party", "beach", "running", "run", "training", "workout", "athletic", "cardio",
  "yoga", "night", "weekend", "swim", "festive", "morning", "baseball", "seaside", "shore",
  "surfer",
]);

/** Praise that names no visible property of the garment. */
export const MARKETING_WORDS: ReadonlySet<string> = new Set([
  "classic", "smart", "basic", "sweet", "fancy", "cute", "posh", "chic", "bold", "soft",
  "fresh", "elegant", "everyday", "power", "performance", "wild", "sleek", "slick",
  "genuine", "flawless", "daring", "darling", "dainty", "ethereal", "enchanted", "flirty",
  "loyal", "luxe", "notorious", "quirky", "rad", "refined", "standout", "please", "blah",
  "cozy", "heat", "dream", "dreamer", "muse", "rebel", "youth", "woke", "killin", "wifey",
  "snap", "smile", "joie", "love", "lover", "sweetheart", "paradise",
]);

/**
 * Words of brand, model, character, band and place names ("Puma Future Cat",
 * "Wrangler Texas Jeans", "Disney Mickey"), which name no attribute.
 */
export const NAME_WORDS: ReadonlySet<string> = new Set([
  "cat", "star", "stars", "city", "cities", "heroes", "texas", "miami", "mickey", "minnie",
  "floyd", "sun", "galaxy", "life", "spirit", "wave", "candy", "venice", "map", "babe",
  "nyc", "ny", "swiss", "coast", "lakers", "doodle", "eagle", "sky", "trouble", "safari",
  "beatles", "fan", "fox", "field", "lightning", "shopping", "bella", "west", "kiss",
  "doll", "triangle", "art", "rainbow", "daisy", "folk", "angeles", "audrey", "barbie",
  "basquiat", "brooklyn", "california", "camera", "devil", "eiffel", "france", "frida",
  "guns", "halen", "hepburn", "internet", "island", "kahlo", "kitty", "la", "marilyn",
  "mina", "mob", "monroe", "moon", "paris", "pan", "pineapple", "pizza", "popcorn", "raga",
  "regime", "roman", "rolling", "shark", "snoopy", "spongebob", "springs", "studio",
  "sunburst", "sunflower", "taco", "tasmanian", "tokyo", "tower", "tree", "tupac", "van",
  "voyager", "wake", "york", "zeppelin", "meow", "dynamite", "dreamcatcher", "civil", "bed",
  "defyant", "nets", "garden",
]);

/**
 * Alone these qualify another word ("Slim Fit", "Round Neck", "Slip On",
 * "Flat Shoes", "Roll Up"), name a size ("Mini", "Big"), or name a part of an
 * accessory ("Watch Stones", "Shoulder Bag"), so only the longer phrases
 * that contain them are kept.
 */
export const AMBIGUOUS_PHRASES: ReadonlySet<string> = new Set([
  "fit", "round", "square", "slip", "big", "cut", "medium", "raw", "flat", "rise", "box",
  "fair", "french", "cloud", "clean", "stone", "stones", "glass", "feather", "isle", "sea",
  "led", "oil", "tile", "loop", "pin", "bell", "vent", "split", "trim", "inset", "seam",
  "mixed", "leave", "paint", "acid", "bleach", "mineral", "shoulder", "mock", "illusion",
  "dolphin", "elephant", "kangaroo", "dropped", "curved", "mini", "roll", "edge",
]);

/**
 * DeepFashion phrases cut out of longer names ("neck striped" from "crew neck
 * striped tee"). Matched in a title, they would swallow a real attribute
 * ("Round Neck Striped").
 */
export const FRAGMENT_PHRASES: ReadonlySet<string> = new Set([
  "neck ribbed", "neck skater", "neck striped", "back striped", "back knit", "back lace",
  "knit open", "rise skinny", "mid rise skinny", "mid-rise skinny", "low-rise skinny",
  "high-rise skinny", "fit skinny", "skinny stretch",
]);

/**
 * Multi-word colours whose words are not colours on their own ("off", "sea"):
 * the multi-word baseColour values of styles.csv and a few more. They take
 * their words in the title, so "Sea Green" never yields "sea".
 */
export const COLOUR_PHRASES: readonly string[] = [
  "off white", "navy blue", "sea green", "sea blue", "grey melange", "turquoise blue",
  "coffee brown", "lime green", "fluorescent green", "sky blue", "royal blue", "baby pink",
  "hot pink", "dusty pink", "bottle green",
];

/** Product and character names that take their words in the title without emitting them. */
export const NON_ATTRIBUTE_PHRASES: readonly string[] = ["pocket square", "mini mouse", "mickey mouse", "minnie mouse"];

const EXCLUDING_WORD_LISTS = [
  COLOUR_WORDS,
  AUDIENCE_WORDS,
  PRODUCT_TYPE_WORDS,
  USAGE_AND_SEASON_WORDS,
  MARKETING_WORDS,
  NAME_WORDS,
];

/** Parses list_attr_cloth.txt of the DeepFashion benchmark in `taxonomyDir`. */
export function loadAttributeVocabulary(taxonomyDir: string): AttributeVocabulary {
  const file = path.join(taxonomyDir, ATTRIBUTE_LIST_FILE);
  return createAttributeVocabulary(parseAttributeList(fs.readFileSync(file, "utf8"), file));
}

/**
 * Parses the attribute list format: a count line, a header line, then one
 * `name type` line per attribute, where the name may contain single spaces
 * and type 1 to 5 is texture, fabric, shape, part or style.
 */
export function parseAttributeList(text: string, file: string): VocabularyEntry[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const declaredCount = Number(lines[0]?.trim());
  if (!Number.isInteger(declaredCount) || declaredCount < 0) {
    throw new Error(`Invalid attribute list ${file}: line 1 must be the number of attributes, found "${lines[0] ?? ""}"`);
  }

  const entries: VocabularyEntry[] = [];
  const seen = new Set<string>();
  for (let index = 2; index < lines.length; index += 1) {
    const line = (lines[index] as string).trim();
    if (line === "") continue;
    const match = /^(.+?)\s+(\d+)$/.exec(line);
    const type = match ? Number(match[2]) : NaN;
    const group = MULTI_ATTRIBUTE_GROUPS[type - 1];
    if (!match || group === undefined) {
      throw new Error(
        `Invalid attribute list ${file}, line ${index + 1}: expected "name type" with type 1 to 5, found "${line}"`,
      );
    }
    const name = (match[1] as string).replace(/\s+/g, " ").toLowerCase();
    if (seen.has(name)) {
      throw new Error(`Invalid attribute list ${file}, line ${index + 1}: attribute "${name}" is listed twice`);
    }
    seen.add(name);
    entries.push({ name, group });
  }

  if (entries.length !== declaredCount) {
    throw new Error(`Invalid attribute list ${file}: line 1 declares ${declaredCount} attributes but ${entries.length} are listed`);
  }
  return entries;
}

/**
 * Builds the matching tables for `entries`: the phrases mining may emit, and
 * the blocking phrases (colours, product names) that take their words
 * without emitting anything.
 */
export function createAttributeVocabulary(entries: readonly VocabularyEntry[]): AttributeVocabulary {
  const groupsByKey = new Map<string, Set<MultiAttributeGroup>>();
  for (const entry of entries) {
    const key = phraseKey(entry.name);
    const groups = groupsByKey.get(key) ?? new Set<MultiAttributeGroup>();
    groups.add(entry.group);
    groupsByKey.set(key, groups);
  }

  const phrases = new Map<string, VocabularyEntry>();
  for (const entry of entries) {
    const key = phraseKey(entry.name);
    if (key === "" || phrases.has(key)) continue;
    if (isExcludedPhrase(key) || combinesOtherGroups(key, entry.group, groupsByKey)) continue;
    phrases.set(key, entry);
  }

  const blockedPhrases = new Set([...COLOUR_PHRASES, ...NON_ATTRIBUTE_PHRASES].map(phraseKey));
  const maxPhraseWords = Math.max(0, ...[...phrases.keys(), ...blockedPhrases].map((key) => key.split(" ").length));
  return { entries, phrases, blockedPhrases, maxPhraseWords };
}

const AMBIGUOUS_KEYS = new Set([...AMBIGUOUS_PHRASES].map(phraseKey));
const FRAGMENT_KEYS = new Set([...FRAGMENT_PHRASES].map(phraseKey));

/** True when one of the exclusion lists removes the phrase with this key. */
export function isExcludedPhrase(key: string): boolean {
  if (AMBIGUOUS_KEYS.has(key) || FRAGMENT_KEYS.has(key)) return true;
  return key.split(" ").some((word) => EXCLUDING_WORD_LISTS.some((list) => list.has(word)));
}

/**
 * True when the phrase is a run of shorter vocabulary phrases of which at
 * least one belongs to another group ("striped v-neck" = texture "striped" +
 * part "v-neck"). Emitting the parts keeps both attributes in their groups.
 */
function combinesOtherGroups(
  key: string,
  group: MultiAttributeGroup,
  groupsByKey: ReadonlyMap<string, ReadonlySet<MultiAttributeGroup>>,
): boolean {
  const words = key.split(" ");
  // crossesAt[i]: words[i..] splits into vocabulary phrases, one of another group.
  // fitsAt[i]: words[i..] splits into vocabulary phrases at all.
  const fitsAt = new Array<boolean>(words.length + 1).fill(false);
  const crossesAt = new Array<boolean>(words.length + 1).fill(false);
  fitsAt[words.length] = true;
  for (let start = words.length - 1; start >= 0; start -= 1) {
    for (let end = start + 1; end <= words.length; end += 1) {
      if (start === 0 && end === words.length) continue;
      const partGroups = groupsByKey.get(words.slice(start, end).join(" "));
      if (!partGroups || !fitsAt[end]) continue;
      fitsAt[start] = true;
      const otherGroup = [...partGroups].some((partGroup) => partGroup !== group);
      if (otherGroup || crossesAt[end]) crossesAt[start] = true;
    }
  }
  return crossesAt[0] as boolean;
}

/** Mines the vocabulary attributes of one title; pure and synchronous. */
export function mineTitleAttributes(
  title: string,
  brand: string | null,
  vocabulary: AttributeVocabulary,
): MinedAttribute[] {
  const words = splitTitleWords(stripBrand(title, brand));

  // Every whole-word occurrence of an emitting or a blocking phrase.
  const candidates: { start: number; end: number; entry: VocabularyEntry | null }[] = [];
  for (let start = 0; start < words.length; start += 1) {
    const lastEnd = Math.min(words.length, start + vocabulary.maxPhraseWords);
    const keyWords: string[] = [];
    for (let end = start + 1; end <= lastEnd; end += 1) {
      keyWords.push((words[end - 1] as TitleWord).key);
      if (!isWholeSpan(words, start, end)) continue;
      const key = keyWords.join(" ");
      const entry = vocabulary.phrases.get(key);
      if (entry) candidates.push({ start, end, entry });
      else if (vocabulary.blockedPhrases.has(key)) candidates.push({ start, end, entry: null });
    }
  }

  // Longest first, then leftmost. A candidate that overlaps an accepted one is dropped.
  candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const covered = new Array<boolean>(words.length).fill(false);
  const accepted: { start: number; entry: VocabularyEntry }[] = [];
  for (const candidate of candidates) {
    if (covered.slice(candidate.start, candidate.end).some(Boolean)) continue;
    covered.fill(true, candidate.start, candidate.end);
    if (candidate.entry) accepted.push({ start: candidate.start, entry: candidate.entry });
  }

  accepted.sort((a, b) => a.start - b.start);
  const mined: MinedAttribute[] = [];
  const emitted = new Set<string>();
  for (const { entry } of accepted) {
    const value = entry.name.toLowerCase();
    const id = `${entry.group}:${value}`;
    if (emitted.has(id)) continue;
    emitted.add(id);
    mined.push({ group: entry.group, value });
  }
  return mined;
}

/** Removes `brand` from the start of the title when the title starts with it as whole words. */
function stripBrand(title: string, brand: string | null): string {
  const trimmed = title.trim();
  if (!brand) return trimmed;
  const brandWords = splitTitleWords(brand);
  const titleWords = splitTitleWords(trimmed);
  if (brandWords.length === 0 || brandWords.length > titleWords.length) return trimmed;
  const matches = brandWords.every((word, index) => word.key === titleWords[index]?.key);
  if (!matches || !isWholeSpan(titleWords, 0, brandWords.length)) return trimmed;
  return trimmed.slice((titleWords[brandWords.length - 1] as TitleWord).end);
}
