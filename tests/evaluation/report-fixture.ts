/** A valid evaluation report in the shape `npm run evaluate` writes, with chosen metric values. */
import type { EvaluationReport } from "@/lib/evaluation/report-schema";

const recall = (top3: number, top5: number, images: number) => ({ recallTop3: top3, recallTop5: top5, images });

export function sampleReport(overrides: Partial<EvaluationReport> = {}): EvaluationReport {
  return {
    modelId: "fusion-test",
    backboneId: "mobilenet-v1-imagenet@conv_dw_13_relu+gap",
    dataset: "/data/catalogue",
    nearDuplicates: null,
    split: "validation",
    images: 20,
    skippedProducts: { missingImage: 0, unreadableImage: 0 },
    unknownLabels: { category: 0, colour: 0, gender: 0, season: 0, usage: 0 },
    priorMode: "predicted",
    category: { top1: 0.8, top3: 0.9, top5: 0.95, macroTop1: 0.6, count: 20 },
    attributes: {
      all: recall(0.7, 0.8, 10),
      texture: recall(0.5, 0.6, 5),
      fabric: recall(null as unknown as number, null as unknown as number, 0),
      shape: recall(0.4, 0.5, 2),
      part: recall(1, 1, 1),
      style: recall(0.9, 1, 3),
    },
    colour: { top1: 0.65, count: 20 },
    gender: { top1: 0.9, count: 20 },
    season: { top1: 0.7, count: 20 },
    usage: { top1: 0.85, count: 20 },
    timings: { totalSeconds: 1.5 },
    ...overrides,
  };
}
