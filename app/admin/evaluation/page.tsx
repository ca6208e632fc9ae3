import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { datasetDir } from "@/lib/config";
import { getDatabase } from "@/lib/db/client";
import { listEvaluationRuns } from "@/lib/evaluation/runs";
import { servedModelId } from "@/lib/photo-search/config";

import { checkAdminPage } from "./_components/admin-access";
import { formatPercent } from "./_components/format";
import { EvaluationProgressBar } from "./_components/progress-bar";
import { StartEvaluationForm } from "./_components/start-form";

export const dynamic = "force-dynamic";

/** The configured catalogue folder as the form's default, or nothing when none is configured. */
function defaultDataset(): string {
  try {
    return datasetDir();
  } catch {
    return "";
  }
}

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("evaluation");
  return { title: t("title") };
}

/** Lists evaluation runs, starts new ones and picks two runs to compare. */
export default async function EvaluationListPage() {
  await checkAdminPage("/admin/evaluation");

  const t = await getTranslations("evaluation");
  const format = await getFormatter();
  const { prisma } = getDatabase();
  const runs = await listEvaluationRuns(prisma);
  const active = runs.filter((run) => run.status === "queued" || run.status === "running");
  const done = runs.filter((run) => run.status === "done");

  return (
    <div className="mx-auto flex w-full max-w-6xl flex-col gap-6 px-4 py-8">
      <div>
        <Link href="/admin" className="text-sm text-indigo-700 underline">
          /admin
        </Link>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 text-neutral-600">{t("intro")}</p>
      </div>

      <StartEvaluationForm defaultDataset={defaultDataset()} defaultModelId={servedModelId()} />
      {active.map((run) => (
        <EvaluationProgressBar key={run.id} runId={run.id} />
      ))}

      <section className="flex flex-col gap-3">
        <h2 className="text-lg font-semibold">{t("list.title")}</h2>
        {runs.length === 0 ? (
          <p className="text-neutral-600">{t("list.empty")}</p>
        ) : (
          <form action="/admin/evaluation/compare" method="get" className="flex flex-col gap-3">
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="evaluation-runs">
                <thead className="border-b border-neutral-300">
                  <tr>
                    <th className="p-2">{t("list.compareA")}</th>
                    <th className="p-2">{t("list.compareB")}</th>
                    <th className="p-2">{t("list.id")}</th>
                    <th className="p-2">{t("list.model")}</th>
                    <th className="p-2">{t("list.dataset")}</th>
                    <th className="p-2">{t("list.split")}</th>
                    <th className="p-2 text-right">{t("list.images")}</th>
                    <th className="p-2 text-right">{t("list.categoryTop1")}</th>
                    <th className="p-2">{t("list.status")}</th>
                    <th className="p-2">{t("list.created")}</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((run) => (
                    <tr key={run.id} className="border-b border-neutral-100">
                      <td className="p-2">
                        <input type="radio" name="a" value={run.id} disabled={run.status !== "done"} aria-label={`A: ${run.id}`} />
                      </td>
                      <td className="p-2">
                        <input type="radio" name="b" value={run.id} disabled={run.status !== "done"} aria-label={`B: ${run.id}`} />
                      </td>
                      <td className="p-2">
                        <Link href={`/admin/evaluation/${run.id}`} className="text-indigo-700 underline">
                          #{run.id}
                        </Link>
                      </td>
                      <td className="p-2">{run.modelId}</td>
                      <td className="max-w-64 truncate p-2" title={run.dataset}>
                        {run.dataset}
                      </td>
                      <td className="p-2">{run.split}</td>
                      <td className="p-2 text-right">{run.imageCount}</td>
                      <td className="p-2 text-right">{formatPercent(run.categoryTop1)}</td>
                      <td className="p-2">{t(`status.${run.status}`)}</td>
                      <td className="p-2">{format.dateTime(run.createdAt, { dateStyle: "short", timeStyle: "short" })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {done.length >= 2 && (
              <button type="submit" className="self-start rounded border border-neutral-900 px-4 py-2">
                {t("list.compare")}
              </button>
            )}
          </form>
        )}
      </section>
    </div>
  );
}
