/**
 * Every headline metric of an evaluation report, in display order, with a
 * reader that takes it out of the report. The admin pages label and define
 * each metric by its id (messages under "evaluation.metrics.<id>"), and
 * run comparison walks the same list.
 */
import { MULTI_ATTRIBUTE_GROUPS, type MultiAttributeGroup } from "../catalogue/types";
import type { EvaluationReport } from "./report-schema";

export type MetricSection = "category" | "attributes" | "single" | "photoSearch";

export interface MetricDefinition {
  /** Stable id, also the message key. */
  id: string;
  section: MetricSection;
  /** The metric as a fraction in [0, 1]; null when the report lacks it or it averaged over no samples. */
  read(report: EvaluationReport): number | null;
}

function attributeMetrics(group: "all" | MultiAttributeGroup): MetricDefinition[] {
  const suffix = group === "all" ? "" : group.charAt(0).toUpperCase() + group.slice(1);
  return [
    { id: `attributeRecallTop3${suffix}`, section: "attributes", read: (report) => report.attributes[group].recallTop3 },
    { id: `attributeRecallTop5${suffix}`, section: "attributes", read: (report) => report.attributes[group].recallTop5 },
  ];
}

export const EVALUATION_METRICS: readonly MetricDefinition[] = [
  { id: "categoryTop1", section: "category", read: (report) => report.category.top1 },
  { id: "categoryTop3", section: "category", read: (report) => report.category.top3 },
  { id: "categoryTop5", section: "category", read: (report) => report.category.top5 },
  { id: "categoryMacroTop1", section: "category", read: (report) => report.category.macroTop1 },
  ...attributeMetrics("all"),
  ...MULTI_ATTRIBUTE_GROUPS.flatMap((group) => attributeMetrics(group)),
  { id: "colourAccuracy", section: "single", read: (report) => report.colour.top1 },
  { id: "genderAccuracy", section: "single", read: (report) => report.gender.top1 },
  { id: "seasonAccuracy", section: "single", read: (report) => report.season.top1 },
  { id: "usageAccuracy", section: "single", read: (report) => report.usage.top1 },
  { id: "nearDuplicateRecallAt1", section: "photoSearch", read: (report) => report.nearDuplicate?.recallAt1 ?? null },
  { id: "nearDuplicateRecallAt5", section: "photoSearch", read: (report) => report.nearDuplicate?.recallAt5 ?? null },
  { id: "nearDuplicateRecallAt10", section: "photoSearch", read: (report) => report.nearDuplicate?.recallAt10 ?? null },
  {
    id: "categoryPrecisionAt10",
    section: "photoSearch",
    read: (report) => report.nearDuplicate?.categoryPrecisionAt10 ?? null,
  },
];
