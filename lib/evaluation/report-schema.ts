/**
 * The JSON report written by `npm run evaluate` (workers/evaluate.ts), as a
 * zod schema. Stored runs keep the report unchanged in EvaluationRun.metrics,
 * so this schema is the contract between the command, the database and the
 * admin pages.
 *
 * Metric values are fractions in [0, 1]. An average over no samples is NaN in
 * the command and therefore `null` in the JSON, so every metric accepts null.
 * Per-category results and the confusion matrix are optional because the
 * current command does not write them yet; the pages show them when present.
 */
import { z } from "zod";

import { MULTI_ATTRIBUTE_GROUPS } from "../catalogue/types";

const fraction = z.number().min(0).max(1).nullable();
const count = z.number().int().min(0);

const recallSchema = z.object({ recallTop3: fraction, recallTop5: fraction, images: count });
const accuracySchema = z.object({ top1: fraction, count });

const attributesSchema = z.object({
  all: recallSchema,
  ...Object.fromEntries(MULTI_ATTRIBUTE_GROUPS.map((group) => [group, recallSchema])),
} as Record<"all" | (typeof MULTI_ATTRIBUTE_GROUPS)[number], typeof recallSchema>);

const perCategorySchema = z.object({
  category: z.string().min(1),
  support: count,
  top1: fraction,
});

/** Rows are true categories and columns predicted ones, both in `labels` order. */
const confusionSchema = z
  .object({
    labels: z.array(z.string().min(1)).min(1),
    matrix: z.array(z.array(count)),
  })
  .refine(
    (confusion) =>
      confusion.matrix.length === confusion.labels.length &&
      confusion.matrix.every((row) => row.length === confusion.labels.length),
    { message: "the confusion matrix must be square with one row and one column per label" },
  );

/** Metrics of all heads under one category prior mode. */
export const headMetricsSchema = z.object({
  category: z.object({ top1: fraction, top3: fraction, top5: fraction, macroTop1: fraction, count }),
  attributes: attributesSchema,
  colour: accuracySchema,
  gender: accuracySchema,
  season: accuracySchema,
  usage: accuracySchema,
  perCategory: z.array(perCategorySchema).optional(),
  confusion: confusionSchema.optional(),
});

export const nearDuplicateSchema = z.object({
  queries: count,
  catalogueSize: count,
  embedding: z.string(),
  recallAt1: fraction,
  recallAt5: fraction,
  recallAt10: fraction,
  /** Share of the first 10 photo results that have the query product's category. */
  categoryPrecisionAt10: fraction.optional(),
});

export const evaluationReportSchema = headMetricsSchema.extend({
  modelId: z.string().min(1),
  backboneId: z.string().min(1),
  dataset: z.string().min(1),
  nearDuplicates: z.string().nullable().optional(),
  split: z.enum(["test", "validation", "all"]),
  images: count,
  skippedProducts: z.object({ missingImage: count, unreadableImage: count }).optional(),
  unknownLabels: z.record(z.string(), count).optional(),
  priorMode: z.enum(["predicted", "merchant"]),
  merchantPrior: headMetricsSchema.optional(),
  nearDuplicate: nearDuplicateSchema.optional(),
  timings: z.record(z.string(), z.number()).optional(),
});

export type HeadMetricsReport = z.infer<typeof headMetricsSchema>;
export type EvaluationReport = z.infer<typeof evaluationReportSchema>;

export class InvalidEvaluationReportError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = "InvalidEvaluationReportError";
  }
}

/** Formats zod issues as "path: message" lines, with "(root)" for the top level. */
function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`);
}

/**
 * Validates a parsed report and returns it typed. Throws
 * InvalidEvaluationReportError listing every invalid or missing field, with
 * `source` (a file name, say) in the message.
 */
export function parseEvaluationReport(value: unknown, source = "the evaluation report"): EvaluationReport {
  const result = evaluationReportSchema.safeParse(value);
  if (result.success) return result.data;

  const issues = describeIssues(result.error);
  const shown = issues.slice(0, 10).join("; ");
  const more = issues.length > 10 ? ` (and ${issues.length - 10} more)` : "";
  throw new InvalidEvaluationReportError(
    `Invalid ${source}: ${shown}${more}. Write it with \`npm run evaluate -- --dataset DIR --out FILE.json\`.`,
    issues,
  );
}

/** Parses report JSON text; invalid JSON and an invalid shape both throw InvalidEvaluationReportError. */
export function parseEvaluationReportText(text: string, source = "the evaluation report"): EvaluationReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidEvaluationReportError(`Invalid ${source}: not valid JSON (${reason}).`, [reason]);
  }
  return parseEvaluationReport(value, source);
}
