/**
 * Stored evaluation runs (the EvaluationRun table). A run started from the
 * admin page is created "queued", moves to "running" when the evaluation
 * worker claims its job, and ends "done" with the report or "failed" with an
 * error. A report written by the `npm run evaluate` command is stored in one
 * step by `storeEvaluationReport`, so both paths produce the same row.
 *
 * The metrics column contains the report JSON once the run is done. While a
 * run is queued or running it contains `{ "progress": ... }` instead, which
 * keeps progress out of the schema.
 */
import type { Db } from "../db/client";
import { EVALUATION_METRICS, type MetricSection } from "./metric-list";
import { parseEvaluationReportText, type EvaluationReport } from "./report-schema";

export const EVALUATION_RUN_STATUSES = ["queued", "running", "done", "failed"] as const;
export type EvaluationRunStatus = (typeof EVALUATION_RUN_STATUSES)[number];
export type EvaluationSplit = "test" | "validation" | "all";

export interface EvaluationProgress {
  /** What the worker is doing now: "queued", "evaluating", "storing". */
  stage: string;
  /** Share of the work done, in [0, 1]. */
  fraction: number;
}

export interface EvaluationRunSummary {
  id: number;
  modelId: string;
  dataset: string;
  split: string;
  imageCount: number;
  status: EvaluationRunStatus;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  progress: EvaluationProgress | null;
  /** Category top-1 accuracy of a done run, for lists; null otherwise. */
  categoryTop1: number | null;
}

export interface EvaluationRunDetail extends EvaluationRunSummary {
  /** The stored report of a done run; undefined otherwise. */
  report: EvaluationReport | undefined;
}

export interface CreateEvaluationRunInput {
  modelId: string;
  dataset: string;
  split: EvaluationSplit;
  /** User id of the admin who started it; null for the command line. */
  createdBy?: string | null;
}

type RunRow = {
  id: number;
  modelId: string;
  dataset: string;
  split: string;
  imageCount: number;
  status: string;
  metrics: string | null;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

function toStatus(value: string): EvaluationRunStatus {
  return (EVALUATION_RUN_STATUSES as readonly string[]).includes(value) ? (value as EvaluationRunStatus) : "failed";
}

function readProgress(row: RunRow): EvaluationProgress | null {
  if (row.status === "done") return { stage: "done", fraction: 1 };
  if (row.metrics === null || row.status === "failed") return null;
  try {
    const parsed = JSON.parse(row.metrics) as { progress?: EvaluationProgress };
    return parsed.progress ?? null;
  } catch {
    return null;
  }
}

function readCategoryTop1(row: RunRow): number | null {
  if (row.status !== "done" || row.metrics === null) return null;
  try {
    const top1 = (JSON.parse(row.metrics) as { category?: { top1?: unknown } }).category?.top1;
    return typeof top1 === "number" ? top1 : null;
  } catch {
    return null;
  }
}

function toSummary(row: RunRow): EvaluationRunSummary {
  return {
    id: row.id,
    modelId: row.modelId,
    dataset: row.dataset,
    split: row.split,
    imageCount: row.imageCount,
    status: toStatus(row.status),
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    progress: readProgress(row),
    categoryTop1: readCategoryTop1(row),
  };
}

function progressJson(progress: EvaluationProgress): string {
  return JSON.stringify({ progress: { stage: progress.stage, fraction: Math.min(1, Math.max(0, progress.fraction)) } });
}

/** Creates a queued run, before its job is enqueued. */
export async function createEvaluationRun(db: Db, input: CreateEvaluationRunInput): Promise<EvaluationRunSummary> {
  const row = await db.evaluationRun.create({
    data: {
      modelId: input.modelId,
      dataset: input.dataset,
      split: input.split,
      status: "queued",
      createdBy: input.createdBy ?? null,
      metrics: progressJson({ stage: "queued", fraction: 0 }),
    },
  });
  return toSummary(row);
}

/** Marks a run as running; a retried job calls it again, which clears the previous error. */
export async function markEvaluationRunRunning(db: Db, runId: number, now = new Date()): Promise<void> {
  await db.evaluationRun.update({
    where: { id: runId },
    data: { status: "running", startedAt: now, error: null, metrics: progressJson({ stage: "evaluating", fraction: 0 }) },
  });
}

export async function updateEvaluationProgress(db: Db, runId: number, progress: EvaluationProgress): Promise<void> {
  await db.evaluationRun.updateMany({
    where: { id: runId, status: "running" },
    data: { metrics: progressJson(progress) },
  });
}

export async function failEvaluationRun(db: Db, runId: number, message: string, now = new Date()): Promise<void> {
  await db.evaluationRun.update({
    where: { id: runId },
    data: { status: "failed", error: message, finishedAt: now, metrics: null },
  });
}

export interface StoreReportOptions {
  /** The queued or running run this report completes; without it a new run is created. */
  runId?: number;
  createdBy?: string | null;
  now?: Date;
}

/**
 * Stores a validated report as a done run and returns it. The model, dataset,
 * split and image count come from the report, so the row matches the report
 * whichever path produced it.
 */
export async function storeEvaluationReport(
  db: Db,
  report: EvaluationReport,
  options: StoreReportOptions = {},
): Promise<EvaluationRunSummary> {
  const now = options.now ?? new Date();
  const data = {
    modelId: report.modelId,
    dataset: report.dataset,
    split: report.split,
    imageCount: report.images,
    status: "done",
    metrics: JSON.stringify(report),
    error: null,
    finishedAt: now,
  };
  if (options.runId !== undefined) {
    const row = await db.evaluationRun.update({ where: { id: options.runId }, data });
    return toSummary(row);
  }
  const row = await db.evaluationRun.create({
    data: { ...data, createdBy: options.createdBy ?? null, startedAt: now },
  });
  return toSummary(row);
}

export async function listEvaluationRuns(db: Db, options: { limit?: number } = {}): Promise<EvaluationRunSummary[]> {
  const rows = await db.evaluationRun.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: options.limit ?? 100 });
  return rows.map(toSummary);
}

/** Returns the run with its report, or undefined when no run has that id. */
export async function getEvaluationRun(db: Db, runId: number): Promise<EvaluationRunDetail | undefined> {
  const row = await db.evaluationRun.findUnique({ where: { id: runId } });
  if (!row) return undefined;
  const summary = toSummary(row);
  const report =
    summary.status === "done" && row.metrics !== null ? parseEvaluationReportText(row.metrics, `stored report of run ${row.id}`) : undefined;
  return { ...summary, report };
}

export interface MetricComparison {
  id: string;
  section: MetricSection;
  a: number | null;
  b: number | null;
  /** b - a; null when either side lacks the metric. */
  difference: number | null;
}

/** Lists every metric of two reports with the change from `a` to `b`. */
export function compareEvaluationReports(a: EvaluationReport, b: EvaluationReport): MetricComparison[] {
  return EVALUATION_METRICS.map((metric) => {
    const valueA = metric.read(a);
    const valueB = metric.read(b);
    return {
      id: metric.id,
      section: metric.section,
      a: valueA,
      b: valueB,
      difference: valueA === null || valueB === null ? null : valueB - valueA,
    };
  });
}

export class EvaluationRunNotComparableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvaluationRunNotComparableError";
  }
}

/**
 * Loads two runs and compares their metrics. Returns undefined when either
 * id has no run, and throws EvaluationRunNotComparableError when either run
 * is not done.
 */
export async function compareEvaluationRuns(
  db: Db,
  runIdA: number,
  runIdB: number,
): Promise<{ a: EvaluationRunDetail; b: EvaluationRunDetail; metrics: MetricComparison[] } | undefined> {
  const [a, b] = await Promise.all([getEvaluationRun(db, runIdA), getEvaluationRun(db, runIdB)]);
  if (!a || !b) return undefined;
  for (const run of [a, b]) {
    if (!run.report) throw new EvaluationRunNotComparableError(`Run ${run.id} is ${run.status}: only done runs can be compared.`);
  }
  return { a, b, metrics: compareEvaluationReports(a.report!, b.report!) };
}
