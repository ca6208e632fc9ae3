"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { EvaluationProgressBar } from "./progress-bar";

/** Starts an evaluation through POST /api/admin/evaluations and then follows its progress. */
export function StartEvaluationForm({ defaultDataset, defaultModelId }: { defaultDataset: string; defaultModelId: string }) {
  const t = useTranslations("evaluation.start");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [runId, setRunId] = useState<number | null>(null);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSubmitting(true);
    setError(null);
    try {
      const response = await fetch("/api/admin/evaluations", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataset: form.get("dataset"), split: form.get("split"), modelId: form.get("modelId") }),
      });
      const body = await response.json();
      if (!response.ok) {
        setError(body?.error?.message ?? response.statusText);
        return;
      }
      setRunId(body.run.id);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <section className="flex flex-col gap-3 rounded-lg border border-neutral-200 p-4">
      <h2 className="text-lg font-semibold">{t("title")}</h2>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[2fr_1fr_1fr_auto] sm:items-end">
        <label className="flex flex-col gap-1 text-sm">
          {t("dataset")}
          <input name="dataset" required defaultValue={defaultDataset} className="rounded border border-neutral-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          {t("split")}
          <select name="split" defaultValue="validation" className="rounded border border-neutral-300 px-2 py-1">
            <option value="validation">{t("splitValidation")}</option>
            <option value="test">{t("splitTest")}</option>
            <option value="all">{t("splitAll")}</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          {t("modelId")}
          <input name="modelId" required defaultValue={defaultModelId} className="rounded border border-neutral-300 px-2 py-1" />
        </label>
        <button type="submit" disabled={submitting} className="rounded bg-neutral-900 px-4 py-2 text-white disabled:opacity-50">
          {submitting ? t("submitting") : t("submit")}
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {t("failed", { message: error })}
        </p>
      )}
      {runId !== null && <EvaluationProgressBar runId={runId} />}
    </section>
  );
}
