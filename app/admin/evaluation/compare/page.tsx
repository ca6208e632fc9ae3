import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { getDatabase } from "@/lib/db/client";
import type { MetricSection } from "@/lib/evaluation/metric-list";
import { compareEvaluationRuns, EvaluationRunNotComparableError } from "@/lib/evaluation/runs";

import { checkAdminPage } from "../_components/admin-access";
import { formatDifference, formatPercent } from "../_components/format";

export const dynamic = "force-dynamic";

/** Differences smaller than this (0.1 percentage points) are shown unhighlighted. */
const NOTICEABLE_DIFFERENCE = 0.001;

type Change = "same" | "better" | "worse";

const CHANGE_STYLES: Record<Change, string> = {
  same: "",
  better: "bg-green-100 text-green-900",
  worse: "bg-red-100 text-red-900",
};

/** Classifies a metric difference (run B minus run A); higher metrics are better. */
function classifyChange(difference: number | null): Change {
  if (difference === null || Math.abs(difference) < NOTICEABLE_DIFFERENCE) return "same";
  return difference > 0 ? "better" : "worse";
}

type SearchParams = { searchParams: Promise<{ a?: string; b?: string }> };

export async function generateMetadata({ searchParams }: SearchParams): Promise<Metadata> {
  const { a, b } = await searchParams;
  const t = await getTranslations("evaluation.compare");
  return { title: t("title", { a: a ?? "?", b: b ?? "?" }) };
}

/** Two runs side by side, every metric with the change from A to B highlighted. */
export default async function CompareEvaluationRunsPage({ searchParams }: SearchParams) {
  const query = await searchParams;
  await checkAdminPage(`/admin/evaluation/compare?a=${encodeURIComponent(query.a ?? "")}&b=${encodeURIComponent(query.b ?? "")}`);

  const t = await getTranslations("evaluation");
  const a = Number(query.a);
  const b = Number(query.b);
  const back = (
    <Link href="/admin/evaluation" className="text-sm text-indigo-700 underline">
      {t("run.back")}
    </Link>
  );
  if (!Number.isSafeInteger(a) || a <= 0 || !Number.isSafeInteger(b) || b <= 0) {
    return (
      <div className="mx-auto flex w-full max-w-4xl flex-col gap-4 px-4 py-8">
        {back}
        <p>{t("compare.pick")}</p>
      </div>
    );
  }

  let comparison: Awaited<ReturnType<typeof compareEvaluationRuns>>;
  try {
    comparison = await compareEvaluationRuns(getDatabase().prisma, a, b);
  } catch (error) {
    if (!(error instanceof EvaluationRunNotComparableError)) throw error;
    return (
      <div className="mx-auto flex w-full max-w-4xl flex-col gap-4 px-4 py-8">
        {back}
        <p role="alert">{t("compare.notComparable", { message: error.message })}</p>
      </div>
    );
  }
  if (!comparison) notFound();

  const sections: MetricSection[] = ["category", "attributes", "single", "photoSearch"];
  const runLabel = (run: typeof comparison.a) => `#${run.id} · ${run.modelId} · ${run.split} · ${run.imageCount}`;

  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-4 px-4 py-8" data-testid="evaluation-compare">
      {back}
      <h1 className="text-2xl font-semibold">{t("compare.title", { a, b })}</h1>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-neutral-300">
          <tr>
            <th className="p-2">{t("run.metric")}</th>
            <th className="p-2 text-right">
              A: <Link href={`/admin/evaluation/${comparison.a.id}`} className="text-indigo-700 underline">{runLabel(comparison.a)}</Link>
            </th>
            <th className="p-2 text-right">
              B: <Link href={`/admin/evaluation/${comparison.b.id}`} className="text-indigo-700 underline">{runLabel(comparison.b)}</Link>
            </th>
            <th className="p-2 text-right">{t("compare.difference")}</th>
          </tr>
        </thead>
        {sections.map((section) => (
          <tbody key={section}>
            <tr>
              <th colSpan={4} className="bg-neutral-50 p-2">
                {t(`sections.${section}`)}
              </th>
            </tr>
            {comparison.metrics
              .filter((metric) => metric.section === section)
              .map((metric) => {
                const change = classifyChange(metric.difference);
                const style = CHANGE_STYLES[change];
                return (
                  <tr key={metric.id} className="border-b border-neutral-100" data-change={change}>
                    <td className="p-2">{t(`metrics.${metric.id}.label`)}</td>
                    <td className="p-2 text-right tabular-nums">{formatPercent(metric.a)}</td>
                    <td className="p-2 text-right tabular-nums">{formatPercent(metric.b)}</td>
                    <td className={`p-2 text-right tabular-nums ${style}`}>
                      {formatDifference(metric.difference)}
                      {change !== "same" && <span className="sr-only"> ({t(`compare.${change}`)})</span>}
                    </td>
                  </tr>
                );
              })}
          </tbody>
        ))}
      </table>
    </div>
  );
}
