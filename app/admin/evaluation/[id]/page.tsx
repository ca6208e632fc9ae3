import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";

import { MULTI_ATTRIBUTE_GROUPS } from "@/lib/catalogue/types";
import { getDatabase } from "@/lib/db/client";
import { EVALUATION_METRICS, type MetricSection } from "@/lib/evaluation/metric-list";
import { referenceValuesFor } from "@/lib/evaluation/reference-results";
import type { EvaluationReport } from "@/lib/evaluation/report-schema";
import { getEvaluationRun } from "@/lib/evaluation/runs";
import { readTrainingCurve } from "@/lib/evaluation/training-log";

import { checkAdminPage } from "../_components/admin-access";
import { AttributeRecallChart, TrainingCurveChart } from "../_components/charts";
import { ConfusionHeatMap } from "../_components/confusion-heat-map";
import { formatPercent } from "../_components/format";
import { EvaluationProgressBar } from "../_components/progress-bar";
import { ReferenceTable } from "../_components/reference-table";

export const dynamic = "force-dynamic";

/** Categories shown in the confusion matrix: the most frequent ones keep it readable. */
const CONFUSION_CATEGORIES = 12;

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const t = await getTranslations("evaluation.run");
  return { title: t("title", { id: (await params).id }) };
}

/** Samples behind a metric, shown beside it. */
function sampleCount(report: EvaluationReport, section: MetricSection, id: string): number | null {
  if (section === "category") return report.category.count;
  if (section === "photoSearch") return report.nearDuplicate?.queries ?? null;
  if (section === "single") {
    const head = id.replace("Accuracy", "") as "colour" | "gender" | "season" | "usage";
    return report[head].count;
  }
  const group = MULTI_ATTRIBUTE_GROUPS.find((name) => id.toLowerCase().endsWith(name)) ?? "all";
  return report.attributes[group].images;
}

/** Keeps the `limit` categories with the most images, by row total. */
function topConfusion(confusion: { labels: string[]; matrix: number[][] }, limit: number) {
  const order = confusion.matrix
    .map((row, index) => ({ index, total: row.reduce((sum, value) => sum + value, 0) }))
    .sort((a, b) => b.total - a.total || a.index - b.index)
    .slice(0, limit)
    .map((entry) => entry.index);
  return { labels: order.map((i) => confusion.labels[i]!), matrix: order.map((i) => order.map((j) => confusion.matrix[i]![j]!)) };
}

/** One evaluation run: every metric with its definition, beside the published DeepFashion results. */
export default async function EvaluationRunPage({ params }: Params) {
  const { id } = await params;
  await checkAdminPage(`/admin/evaluation/${encodeURIComponent(id)}`);

  const runId = Number(id);
  if (!Number.isSafeInteger(runId) || runId <= 0) notFound();
  const run = await getEvaluationRun(getDatabase().prisma, runId);
  if (!run) notFound();

  const t = await getTranslations("evaluation");
  const format = await getFormatter();
  const report = run.report;
  const curve = readTrainingCurve(run.modelId);
  const sections: MetricSection[] = ["category", "attributes", "single", "photoSearch"];

  return (
    <div className="mx-auto flex w-full max-w-6xl flex-col gap-6 px-4 py-8" data-testid="evaluation-run">
      <div>
        <Link href="/admin/evaluation" className="text-sm text-indigo-700 underline">
          {t("run.back")}
        </Link>
        <h1 className="text-2xl font-semibold">{t("run.title", { id: run.id })}</h1>
        <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
          <div>
            <dt className="inline text-neutral-600">{t("run.model")}: </dt>
            <dd className="inline">{run.modelId}</dd>
          </div>
          {report && (
            <div>
              <dt className="inline text-neutral-600">{t("run.backbone")}: </dt>
              <dd className="inline">{report.backboneId}</dd>
            </div>
          )}
          <div>
            <dt className="inline text-neutral-600">{t("run.dataset")}: </dt>
            <dd className="inline break-all">{run.dataset}</dd>
          </div>
          <div>
            <dt className="inline text-neutral-600">{t("run.split")}: </dt>
            <dd className="inline">{run.split}</dd>
          </div>
          <div>
            <dt className="inline text-neutral-600">{t("run.images")}: </dt>
            <dd className="inline">{run.imageCount}</dd>
          </div>
          <div>
            <dt className="inline text-neutral-600">{t("list.status")}: </dt>
            <dd className="inline">{t(`status.${run.status}`)}</dd>
          </div>
          {run.finishedAt && (
            <div>
              <dt className="inline text-neutral-600">{t("run.finished")}: </dt>
              <dd className="inline">{format.dateTime(run.finishedAt, { dateStyle: "short", timeStyle: "short" })}</dd>
            </div>
          )}
        </dl>
      </div>

      {!report ? (
        <>
          <p className="text-neutral-600">{t("run.notDone")}</p>
          {run.status === "failed" ? <p role="alert" className="text-red-700">{t("progress.failed", { error: run.error ?? "" })}</p> : <EvaluationProgressBar runId={run.id} />}
        </>
      ) : (
        <>
          <ReferenceTable />

          {sections.map((section) => (
            <section key={section} className="flex flex-col gap-2">
              <h2 className="text-lg font-semibold">{t(`sections.${section}`)}</h2>
              {section === "photoSearch" && !report.nearDuplicate ? (
                <p className="text-neutral-600">{t("sections.photoSearchMissing")}</p>
              ) : (
                <div className="overflow-x-auto">
                  <table className="w-full text-left text-sm" data-testid={`metrics-${section}`}>
                    <thead className="border-b border-neutral-300">
                      <tr>
                        <th className="p-2">{t("run.metric")}</th>
                        <th className="p-2 text-right">{t("run.value")}</th>
                        <th className="p-2 text-right">{t("run.samples")}</th>
                        <th className="p-2">{t("reference.column")}</th>
                        <th className="p-2">{t("run.definition")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {EVALUATION_METRICS.filter((metric) => metric.section === section).map((metric) => {
                        const value = metric.read(report);
                        const references = referenceValuesFor(metric.id);
                        return (
                          <tr key={metric.id} className="border-b border-neutral-100 align-top">
                            <td className="p-2 font-medium">{t(`metrics.${metric.id}.label`)}</td>
                            <td className="p-2 text-right tabular-nums">{value === null ? t("run.notMeasured") : formatPercent(value)}</td>
                            <td className="p-2 text-right tabular-nums">{sampleCount(report, section, metric.id) ?? "–"}</td>
                            <td className="p-2 text-neutral-600">
                              {references.length === 0 ? "–" : references.map((entry) => `${entry.method} ${formatPercent(entry.value)}`).join(" · ")}
                            </td>
                            <td className="p-2 text-neutral-600">{t(`metrics.${metric.id}.definition`)}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
              {section === "attributes" && (
                <>
                  <h3 className="font-medium">{t("sections.attributeBars")}</h3>
                  <AttributeRecallChart
                    rows={(["all", ...MULTI_ATTRIBUTE_GROUPS] as const).map((group) => ({
                      group: t(`groups.${group}`),
                      recallTop3: report.attributes[group].recallTop3,
                      recallTop5: report.attributes[group].recallTop5,
                    }))}
                    labels={{ recallTop3: t("charts.recallTop3"), recallTop5: t("charts.recallTop5") }}
                  />
                </>
              )}
              {section === "category" && (
                <>
                  <h3 className="font-medium">{t("sections.perCategory")}</h3>
                  {report.perCategory ? (
                    <div className="max-h-96 overflow-y-auto">
                      <table className="w-full text-left text-sm" data-testid="per-category">
                        <thead className="border-b border-neutral-300">
                          <tr>
                            <th className="p-2">{t("table.category")}</th>
                            <th className="p-2 text-right">{t("table.support")}</th>
                            <th className="p-2 text-right">{t("table.accuracy")}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {[...report.perCategory]
                            .sort((a, b) => b.support - a.support)
                            .map((row) => (
                              <tr key={row.category} className="border-b border-neutral-100">
                                <td className="p-2">{row.category}</td>
                                <td className="p-2 text-right tabular-nums">{row.support}</td>
                                <td className="p-2 text-right tabular-nums">{formatPercent(row.top1)}</td>
                              </tr>
                            ))}
                        </tbody>
                      </table>
                    </div>
                  ) : (
                    <p className="text-neutral-600">{t("sections.noPerCategory")}</p>
                  )}
                  {report.confusion && (
                    <>
                      <h3 className="font-medium">{t("sections.confusion")}</h3>
                      <ConfusionHeatMap {...topConfusion(report.confusion, CONFUSION_CATEGORIES)} caption={t("sections.confusionHelp")} />
                    </>
                  )}
                </>
              )}
            </section>
          ))}
        </>
      )}

      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-semibold">{t("sections.training")}</h2>
        {curve && curve.epochs.length > 0 ? (
          <TrainingCurveChart
            rows={curve.epochs}
            labels={{
              epoch: t("charts.epoch"),
              loss: t("charts.loss"),
              accuracy: t("charts.accuracy"),
              trainLoss: t("charts.trainLoss"),
              validationLoss: t("charts.validationLoss"),
              trainAccuracy: t("charts.trainAccuracy"),
              validationAccuracy: t("charts.validationAccuracy"),
            }}
          />
        ) : (
          <p className="text-neutral-600">{t("sections.noTraining")}</p>
        )}
      </section>
    </div>
  );
}
