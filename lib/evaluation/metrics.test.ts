import { describe, expect, it } from "vitest";

import {
  attributeRecallAtK,
  macroTop1Accuracy,
  nearDuplicateRecallAtK,
  precisionAtK,
  rankOf,
  singleAttributeAccuracy,
  topKAccuracy,
  topKIndices,
} from "./metrics";

describe("rankOf and topKIndices", () => {
  it("breaks ties by lower index", () => {
    const scores = [0.2, 0.5, 0.5, 0.1];
    expect(rankOf(scores, 1)).toBe(0);
    expect(rankOf(scores, 2)).toBe(1);
    expect(rankOf(scores, 0)).toBe(2);
    expect(rankOf(scores, 3)).toBe(3);
    expect(topKIndices(scores, 3)).toEqual([1, 2, 0]);
  });

  it("rejects an index outside the row", () => {
    expect(() => rankOf([0.1, 0.2], 2)).toThrow(/outside 0..1/);
  });
});

describe("topKAccuracy", () => {
  const scores = [
    [0.7, 0.2, 0.1],
    [0.3, 0.3, 0.4],
    [0.5, 0.5, 0.0],
    [0.1, 0.3, 0.6],
  ];
  const labels = [0, 1, 1, 0];

  it("counts hits at k = 1 and 2", () => {
    // Sample 1: class 1 ties class 0 at 0.3 but has the higher index, rank 2.
    // Sample 2: class 1 ties class 0 at 0.5, rank 1. Sample 3: class 0 is last, rank 2.
    expect(topKAccuracy(scores, labels, 1)).toBe(1 / 4);
    expect(topKAccuracy(scores, labels, 2)).toBe(2 / 4);
    expect(topKAccuracy(scores, labels, 3)).toBe(1);
  });

  it("counts every class when k exceeds the class count", () => {
    expect(topKAccuracy(scores, labels, 10)).toBe(1);
  });

  it("skips unknown labels", () => {
    expect(topKAccuracy(scores, [0, -1, -1, -1], 1)).toBe(1);
    expect(topKAccuracy(scores, [-1, -1, -1, -1], 1)).toBeNaN();
  });

  it("handles a single class", () => {
    expect(topKAccuracy([[0.9], [0.1]], [0, 0], 1)).toBe(1);
  });

  it("scores perfect and worst predictions", () => {
    const perfect = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    expect(topKAccuracy(perfect, [0, 1], 1)).toBe(1);
    expect(topKAccuracy(perfect, [2, 2], 1)).toBe(0);
    expect(topKAccuracy(perfect, [2, 2], 2)).toBe(0);
    expect(singleAttributeAccuracy(perfect, [0, 1])).toBe(1);
  });

  it("rejects invalid k and mismatched lengths", () => {
    expect(() => topKAccuracy(scores, labels, 0)).toThrow(/Invalid k 0/);
    expect(() => topKAccuracy(scores, [0], 1)).toThrow(/4 score rows but 1 labels/);
  });
});

describe("macroTop1Accuracy", () => {
  it("averages per-class accuracy over classes present", () => {
    // Class 0: 3 samples, 3 right. Class 2: 1 sample, wrong. Class 1 has no samples.
    const scores = [
      [0.9, 0.1, 0],
      [0.8, 0.1, 0.1],
      [0.6, 0.2, 0.2],
      [0.6, 0.1, 0.3],
    ];
    expect(macroTop1Accuracy(scores, [0, 0, 0, 2])).toBe((1 + 0) / 2);
    expect(topKAccuracy(scores, [0, 0, 0, 2], 1)).toBe(3 / 4);
  });

  it("is NaN without known labels", () => {
    expect(macroTop1Accuracy([[1]], [-1])).toBeNaN();
  });
});

describe("attributeRecallAtK", () => {
  const scores = [
    [0.9, 0.8, 0.1, 0.7],
    [0.1, 0.2, 0.3, 0.4],
    [0.5, 0.5, 0.5, 0.5],
  ];

  it("divides found attributes by true attributes per image", () => {
    // Image 0: true {0, 2}; top 2 = {0, 1}, found 1 of 2. Image 1: true {3}; top 2 = {3, 2}, found 1 of 1.
    // Image 2: all tied, top 2 = {0, 1}; true {1, 2, 3}, found 1 of 3.
    expect(attributeRecallAtK(scores, [[0, 2], [3], [1, 2, 3]], 2)).toBeCloseTo((0.5 + 1 + 1 / 3) / 3);
  });

  it("skips images with no true attribute", () => {
    expect(attributeRecallAtK(scores, [[0, 2], [], []], 2)).toBe(0.5);
    expect(attributeRecallAtK(scores, [[], [], []], 2)).toBeNaN();
  });

  it("caps recall below 1 when true attributes exceed k", () => {
    expect(attributeRecallAtK([scores[0]!], [[0, 1, 2, 3]], 2)).toBe(0.5);
    expect(attributeRecallAtK([scores[0]!], [[0, 1, 2, 3]], 10)).toBe(1);
  });

  it("counts one group's attributes among all", () => {
    // Image 0 ranks 0, 1, 3, 2. Group {2, 3}: its true attributes {0, 2} become {2}, at rank 3.
    expect(attributeRecallAtK([scores[0]!], [[0, 2]], 3, [2, 3])).toBe(0);
    expect(attributeRecallAtK([scores[0]!], [[0, 2]], 4, [2, 3])).toBe(1);
    // Group {0, 1}: true {0, 2} becomes {0}, at rank 0.
    expect(attributeRecallAtK([scores[0]!], [[0, 2]], 1, [0, 1])).toBe(1);
    expect(attributeRecallAtK([scores[0]!], [[0]], 1, [2, 3])).toBeNaN();
  });
});

describe("nearDuplicateRecallAtK", () => {
  const ranked = [
    ["a", "b", "c"],
    ["x", "y", "b"],
    ["q", "r", "s"],
  ];

  it("counts expected ids in the first k", () => {
    expect(nearDuplicateRecallAtK(ranked, ["a", "b", "z"], 1)).toBe(1 / 3);
    expect(nearDuplicateRecallAtK(ranked, ["a", "b", "z"], 3)).toBe(2 / 3);
    expect(nearDuplicateRecallAtK(ranked, ["a", "b", "z"], 50)).toBe(2 / 3);
  });

  it("is NaN without queries", () => {
    expect(nearDuplicateRecallAtK([], [], 1)).toBeNaN();
  });
});

describe("precisionAtK", () => {
  it("divides relevant results by k", () => {
    const ranked = [
      ["a", "b", "c", "d"],
      ["e", "f"],
    ];
    const relevant = [new Set(["a", "c", "z"]), new Set(["f"])];
    expect(precisionAtK(ranked, relevant, 2)).toBe((1 / 2 + 1 / 2) / 2);
    // The second list has only 2 results: the 2 missing places count as misses.
    expect(precisionAtK(ranked, relevant, 4)).toBe((2 / 4 + 1 / 4) / 2);
  });
});
