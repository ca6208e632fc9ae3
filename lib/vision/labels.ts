import { MULTI_ATTRIBUTE_GROUPS } from "../catalogue/types";
import type { LabelledProduct } from "../evaluation/dataset";
import { SINGLE_HEADS, type AttributeLabel, type LabelVocabularies, type SingleHead } from "./fusion-model";

/**
 * Label vocabularies and per-product label indices for the fusion model's
 * heads. Multi-label attributes come from product titles through a mining
 * function (lib/catalogue/title-attributes.ts in production), passed in so
 * the encoding can be tested without the DeepFashion vocabulary.
 */

/** Mined attributes rarer than this in the training products get no output unit. */
export const MIN_ATTRIBUTE_PRODUCTS = 5;

export type AttributeMiner = (product: LabelledProduct) => AttributeLabel[];

export interface EncodedLabels {
  /** Category index per product; -1 when the article type is empty or not in the vocabulary. */
  category: Int32Array;
  /** Index per product for each single-valued head; -1 when missing or not in the vocabulary. */
  single: Record<SingleHead, Int32Array>;
  /** Sorted attribute indices per product. */
  attributes: number[][];
}

const SINGLE_FIELDS: Record<SingleHead, keyof LabelledProduct> = {
  colour: "baseColour",
  gender: "gender",
  season: "season",
  usage: "usage",
};

export function attributeKey(label: AttributeLabel): string {
  return `${label.group}:${label.value}`;
}

/**
 * Builds the vocabularies: article types and single-valued attributes from
 * every product given (sorted, empty values dropped), and multi-label
 * attributes from the training products only, kept when at least
 * MIN_ATTRIBUTE_PRODUCTS of them carry it, ordered by group then value.
 */
export function buildVocabularies(
  allProducts: readonly LabelledProduct[],
  trainingProducts: readonly LabelledProduct[],
  mineAttributes: AttributeMiner,
): LabelVocabularies {
  const distinct = (field: keyof LabelledProduct): string[] =>
    [...new Set(allProducts.map((product) => String(product[field]).trim()).filter((value) => value !== ""))].sort();

  const attributeCounts = new Map<string, { label: AttributeLabel; count: number }>();
  for (const product of trainingProducts) {
    const seen = new Set<string>();
    for (const label of mineAttributes(product)) {
      const key = attributeKey(label);
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = attributeCounts.get(key) ?? { label: { group: label.group, value: label.value }, count: 0 };
      entry.count++;
      attributeCounts.set(key, entry);
    }
  }
  const groupOrder = new Map(MULTI_ATTRIBUTE_GROUPS.map((group, index) => [group, index]));
  const attributes = [...attributeCounts.values()]
    .filter((entry) => entry.count >= MIN_ATTRIBUTE_PRODUCTS)
    .map((entry) => entry.label)
    .sort((a, b) => groupOrder.get(a.group)! - groupOrder.get(b.group)! || a.value.localeCompare(b.value));

  return {
    category: distinct("articleType"),
    attributes,
    colour: distinct(SINGLE_FIELDS.colour),
    gender: distinct(SINGLE_FIELDS.gender),
    season: distinct(SINGLE_FIELDS.season),
    usage: distinct(SINGLE_FIELDS.usage),
  };
}

export function encodeLabels(
  products: readonly LabelledProduct[],
  vocabularies: LabelVocabularies,
  mineAttributes: AttributeMiner,
): EncodedLabels {
  const indexer = (values: readonly string[]) => {
    const index = new Map(values.map((value, i) => [value, i]));
    return (value: string): number => index.get(value.trim()) ?? -1;
  };
  const categoryIndex = indexer(vocabularies.category);
  const attributeIndex = new Map(vocabularies.attributes.map((label, i) => [attributeKey(label), i]));

  const single = {} as Record<SingleHead, Int32Array>;
  for (const head of SINGLE_HEADS) {
    const index = indexer(vocabularies[head]);
    single[head] = Int32Array.from(products, (product) => index(String(product[SINGLE_FIELDS[head]])));
  }
  return {
    category: Int32Array.from(products, (product) => categoryIndex(product.articleType)),
    single,
    attributes: products.map((product) =>
      [...new Set(mineAttributes(product).map((label) => attributeIndex.get(attributeKey(label)) ?? -1))]
        .filter((index) => index >= 0)
        .sort((a, b) => a - b),
    ),
  };
}
