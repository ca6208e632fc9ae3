/**
 * Published results on the DeepFashion Category and Attribute Prediction
 * benchmark, shown beside our runs for orientation only. They were measured
 * on DeepFashion, another dataset with other categories and attributes, so
 * they are not a score to beat on our catalogue.
 *
 * Values are percentages as the papers print them: category top-3/top-5
 * accuracy and attribute top-3/top-5 recall. FashionNet is Liu et al., "DeepFashion:
 * Powering Robust Clothes Recognition and Retrieval with Rich Annotations"
 * (CVPR 2016); Corbiere et al. is "Leveraging Weakly Annotated Data for
 * Fashion Image Retrieval and Label Prediction" (ICCV Workshops 2017). The
 * Xception fusion row is the Xception-based fusion model this project
 * follows. Shape recall is published for that model only.
 */

export const REFERENCE_DATASET = "DeepFashion";

export interface TopKPair {
  top3: number;
  top5: number;
}

export interface ReferenceResult {
  /** Stable id, also the message key of the method's name. */
  id: "fashionNet" | "corbiere" | "xceptionFusion";
  method: string;
  category: TopKPair;
  textureRecall: TopKPair;
  shapeRecall: TopKPair | null;
}

export const REFERENCE_RESULTS: readonly ReferenceResult[] = [
  {
    id: "fashionNet",
    method: "FashionNet",
    category: { top3: 83.57, top5: 91.31 },
    textureRecall: { top3: 38.67, top5: 50.36 },
    shapeRecall: null,
  },
  {
    id: "corbiere",
    method: "Corbiere et al.",
    category: { top3: 87.04, top5: 93.17 },
    textureRecall: { top3: 54.23, top5: 65.18 },
    shapeRecall: null,
  },
  {
    id: "xceptionFusion",
    method: "Xception fusion",
    category: { top3: 91.56, top5: 96.04 },
    textureRecall: { top3: 58.59, top5: 67.46 },
    shapeRecall: { top3: 59.23, top5: 65.93 },
  },
];

/**
 * The reference values for one of our metric ids (see metric-list.ts), as
 * fractions like our metrics; an empty list when nothing was published for it.
 */
export function referenceValuesFor(metricId: string): { id: ReferenceResult["id"]; method: string; value: number }[] {
  const pick: Record<string, (result: ReferenceResult) => number | undefined> = {
    categoryTop3: (result) => result.category.top3,
    categoryTop5: (result) => result.category.top5,
    attributeRecallTop3Texture: (result) => result.textureRecall.top3,
    attributeRecallTop5Texture: (result) => result.textureRecall.top5,
    attributeRecallTop3Shape: (result) => result.shapeRecall?.top3,
    attributeRecallTop5Shape: (result) => result.shapeRecall?.top5,
  };
  const read = pick[metricId];
  if (!read) return [];
  return REFERENCE_RESULTS.flatMap((result) => {
    const percent = read(result);
    return percent === undefined ? [] : [{ id: result.id, method: result.method, value: percent / 100 }];
  });
}
