import { describe, expect, it } from "vitest";

import { REFERENCE_RESULTS, referenceValuesFor } from "@/lib/evaluation/reference-results";

describe("DeepFashion reference results", () => {
  it("lists the published values", () => {
    const table = Object.fromEntries(REFERENCE_RESULTS.map((result) => [result.id, result]));
    expect(table.fashionNet).toMatchObject({ category: { top3: 83.57, top5: 91.31 }, textureRecall: { top3: 38.67, top5: 50.36 }, shapeRecall: null });
    expect(table.corbiere).toMatchObject({ category: { top3: 87.04, top5: 93.17 }, textureRecall: { top3: 54.23, top5: 65.18 }, shapeRecall: null });
    expect(table.xceptionFusion).toMatchObject({
      category: { top3: 91.56, top5: 96.04 },
      textureRecall: { top3: 58.59, top5: 67.46 },
      shapeRecall: { top3: 59.23, top5: 65.93 },
    });
  });

  it("maps metric ids to fractions", () => {
    const categoryTop5 = referenceValuesFor("categoryTop5").map((entry) => entry.value);
    [0.9131, 0.9317, 0.9604].forEach((expected, i) => expect(categoryTop5[i]).toBeCloseTo(expected, 10));
    const shape = referenceValuesFor("attributeRecallTop3Shape");
    expect(shape.map((entry) => entry.id)).toEqual(["xceptionFusion"]);
    expect(shape[0]!.value).toBeCloseTo(0.5923, 10);
    expect(referenceValuesFor("colourAccuracy")).toEqual([]);
  });
});
