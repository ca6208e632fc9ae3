import type { Sort } from "@/lib/search/types";

/**
 * The part of a next-intl translator that the label helpers use, so the same
 * helpers work with getTranslations (server) and useTranslations (client).
 */
export interface Translator {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
}

/** Message key under "sorts" for each sort, in the camelCase that the message files use. */
export const SORT_MESSAGE_KEYS: Record<Sort, string> = {
  relevance: "relevance",
  newest: "newest",
  "title:asc": "titleAsc",
  "title:desc": "titleDesc",
  "year:desc": "yearDesc",
};

/**
 * Translates a catalogue value such as "Navy Blue" through the "values"
 * namespace (`values.<facet>.<value>`). Without a translation it returns the
 * value with its first letter in upper case, because attribute values mined
 * from titles are stored in lower case ("striped"). Catalogue values are data,
 * so most have no translation, and English needs none.
 */
export function labelValue(tValues: Translator, facet: string, value: string): string {
  // next-intl reads "." as nesting, so such a value can never be a key.
  const key = `${facet}.${value}`;
  if (!value.includes(".") && tValues.has(key)) return tValues(key);
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** Translates a facet or attribute-group key, falling back to the key itself. */
export function labelFacet(tFacets: Translator, facet: string): string {
  return tFacets.has(facet) ? tFacets(facet) : facet;
}
