import { describe, expect, it } from "vitest";

import type { LabelledProduct } from "../evaluation/dataset";
import { buildVocabularies, encodeLabels, MIN_ATTRIBUTE_PRODUCTS, type AttributeMiner } from "./labels";

function product(id: string, fields: Partial<LabelledProduct>): LabelledProduct {
  return {
    id,
    gender: "Men",
    masterCategory: "Apparel",
    subCategory: "Topwear",
    articleType: "Tshirts",
    baseColour: "Blue",
    season: "Summer",
    usage: "Casual",
    title: "",
    imagePath: `${id}.jpg`,
    ...fields,
  };
}

// Stands in for the title miner: "striped" and "slim fit" as words in the title.
const miner: AttributeMiner = (item) => [
  ...(item.title.includes("Striped") ? [{ group: "texture" as const, value: "striped" }] : []),
  ...(item.title.includes("Slim Fit") ? [{ group: "shape" as const, value: "slim fit" }] : []),
  ...(item.title.includes("Rare") ? [{ group: "style" as const, value: "rare" }] : []),
];

describe("buildVocabularies", () => {
  const training = Array.from({ length: MIN_ATTRIBUTE_PRODUCTS }, (_, i) =>
    product(String(i), { title: i === 0 ? "Striped Slim Fit Rare Tshirt" : "Striped Slim Fit Tshirt" }),
  );
  const all = [...training, product("t1", { articleType: "Watches", baseColour: "", season: "Winter" })];

  it("keeps attributes seen in enough training products", () => {
    const vocabularies = buildVocabularies(all, training, miner);
    expect(vocabularies.attributes).toEqual([
      { group: "texture", value: "striped" },
      { group: "shape", value: "slim fit" },
    ]);
  });

  it("lists categories and values of all products, without empty ones", () => {
    const vocabularies = buildVocabularies(all, training, miner);
    expect(vocabularies.category).toEqual(["Tshirts", "Watches"]);
    expect(vocabularies.colour).toEqual(["Blue"]);
    expect(vocabularies.season).toEqual(["Summer", "Winter"]);
  });

  it("encodes missing and unknown values as -1", () => {
    const vocabularies = buildVocabularies(all, training, miner);
    const labels = encodeLabels(
      [product("a", { title: "Slim Fit Striped", baseColour: "" }), product("b", { articleType: "Belts", usage: "Party" })],
      vocabularies,
      miner,
    );
    expect(Array.from(labels.category)).toEqual([0, -1]);
    expect(Array.from(labels.single.colour)).toEqual([-1, 0]);
    expect(Array.from(labels.single.usage)).toEqual([0, -1]);
    expect(labels.attributes).toEqual([[0, 1], []]);
  });
});
