import { getTranslations } from "next-intl/server";

import { REFERENCE_DATASET, REFERENCE_RESULTS, type TopKPair } from "@/lib/evaluation/reference-results";

const percent = (value: number | undefined) => (value === undefined ? null : `${value.toFixed(2)} %`);

/** The published DeepFashion table, with the warning that it comes from another dataset. */
export async function ReferenceTable() {
  const t = await getTranslations("evaluation.reference");
  const columns: { key: string; read: (pair: { category: TopKPair; textureRecall: TopKPair; shapeRecall: TopKPair | null }) => number | undefined }[] = [
    { key: "categoryTop3", read: (row) => row.category.top3 },
    { key: "categoryTop5", read: (row) => row.category.top5 },
    { key: "textureTop3", read: (row) => row.textureRecall.top3 },
    { key: "textureTop5", read: (row) => row.textureRecall.top5 },
    { key: "shapeTop3", read: (row) => row.shapeRecall?.top3 },
    { key: "shapeTop5", read: (row) => row.shapeRecall?.top5 },
  ];

  return (
    <section className="flex flex-col gap-2 rounded-lg border border-amber-300 bg-amber-50 p-4" data-testid="reference-results">
      <h2 className="text-lg font-semibold">
        {t("title")} ({REFERENCE_DATASET})
      </h2>
      <p className="text-sm text-amber-900">{t("caution")}</p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-amber-300">
            <tr>
              <th className="p-2">{t("method")}</th>
              {columns.map((column) => (
                <th key={column.key} className="p-2 text-right">
                  {t(column.key)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {REFERENCE_RESULTS.map((row) => (
              <tr key={row.id} className="border-b border-amber-100">
                <td className="p-2">{row.method}</td>
                {columns.map((column) => (
                  <td key={column.key} className="p-2 text-right tabular-nums">
                    {percent(column.read(row)) ?? t("notPublished")}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
