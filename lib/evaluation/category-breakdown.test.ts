import { describe, expect, it } from "vitest";

import { categoryPrecisionAtK, confusionMatrix, OTHER_CATEGORIES_LABEL, perCategoryTop1 } from "./category-breakdown";

const names = ["Shirts", "Tshirts", "Watches"];
// True labels: Shirts, Shirts, Tshirts, Watches, unknown.
const labels = [0, 0, 1, 2, -1];
const scores = [
  [0.9, 0.1, 0.0], // Shirts -> Shirts
  [0.2, 0.8, 0.0], // Shirts -> Tshirts
  [0.5, 0.5, 0.0], // Tshirts -> Shirts (tie goes to the lower index)
  [0.0, 0.0, 1.0], // Watches -> Watches
  [1.0, 0.0, 0.0], // unknown label, ignored
];

describe("perCategoryTop1", () => {
  it("counts support and accuracy per category", () => {
    const results = perCategoryTop1(scores, labels, names);

    expect(results).toEqual([
      { category: "Shirts", support: 2, top1: 0.5 },
      { category: "Tshirts", support: 1, top1: 0 },
      { category: "Watches", support: 1, top1: 1 },
    ]);
  });
});

describe("confusionMatrix", () => {
  it("keeps every category when they fit", () => {
    const confusion = confusionMatrix(scores, labels, names, 5);

    expect(confusion.labels).toEqual(["Shirts", "Tshirts", "Watches"]);
    expect(confusion.matrix).toEqual([
      [1, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });

  it("folds rare categories into other", () => {
    const confusion = confusionMatrix(scores, labels, names, 1);

    expect(confusion.labels).toEqual(["Shirts", OTHER_CATEGORIES_LABEL]);
    expect(confusion.matrix).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it("rejects a non-positive size", () => {
    expect(() => confusionMatrix(scores, labels, names, 0)).toThrow(/maxCategories/);
  });
});

describe("categoryPrecisionAtK", () => {
  it("skips the query itself", () => {
    const categoryOf = new Map([
      ["a", "Shirts"],
      ["b", "Shirts"],
      ["c", "Watches"],
    ]);

    const precision = categoryPrecisionAtK(["a"], [["a", "b", "c"]], categoryOf, 2);

    expect(precision).toBe(0.5);
  });
});
