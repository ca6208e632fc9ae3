"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

import { rowsPercent, taggingPercent, type UploadProgress } from "@/lib/uploads/progress-view";

/** Poll interval while the import runs. */
const IMPORT_POLL_MS = 1_000;
/** Poll interval after the import while the vision worker is still tagging. */
const TAGGING_POLL_MS = 5_000;

export interface UploadLinks {
  statusUrl: string;
  reportUrl: string;
}

/**
 * Shows an upload's progress and polls the progress endpoint until the
 * import has finished and no image waits for tags. Everything comes from the
 * database, so a reload shows the same state.
 */
export function UploadProgressView({ initial, links }: { initial: UploadProgress; links: UploadLinks }) {
  const t = useTranslations("upload.progress");
  const [progress, setProgress] = useState(initial);
  const [pollFailed, setPollFailed] = useState(false);
  // Counts finished polls, so each one schedules the next even when nothing changed.
  const [polls, setPolls] = useState(0);

  const importing = progress.status === "queued" || progress.status === "running";
  const tagging = progress.images.pending + progress.images.processing > 0;
  let delay: number | null = null;
  if (importing) delay = IMPORT_POLL_MS;
  else if (tagging) delay = TAGGING_POLL_MS;

  useEffect(() => {
    if (delay === null) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(links.statusUrl, { cache: "no-store", signal: controller.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = (await response.json()) as { upload: UploadProgress };
        setProgress(body.upload);
        setPollFailed(false);
      } catch {
        if (controller.signal.aborted) return;
        setPollFailed(true);
      }
      setPolls((count) => count + 1);
    }, delay);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [delay, polls, links.statusUrl]);

  const { rows, images } = progress;
  const rowsDone = rowsPercent(progress);
  const tagged = taggingPercent(progress);

  return (
    <div className="flex flex-col gap-6">
      <p role="status" className="text-neutral-800" data-testid="upload-status">
        {statusText(t, progress)}
      </p>
      {pollFailed ? <p className="text-sm text-amber-800">{t("pollFailed")}</p> : null}

      <section aria-labelledby="rows-heading" className="flex flex-col gap-2">
        <h2 id="rows-heading" className="font-semibold">
          {t("rowsLabel")}
        </h2>
        <ProgressBar label={t("rowsLabel")} percent={rowsDone} valueText={t("rowsValue", { processed: rows.processed, total: rows.total })} />
        <p className="text-sm text-neutral-700">{t("rowsValue", { processed: rows.processed, total: rows.total })}</p>
        <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
          <Count label={t("imported")} value={rows.imported} />
          <Count label={t("updated")} value={rows.updated} />
          <Count label={t("unchanged")} value={rows.unchanged} />
          <Count label={t("skipped")} value={rows.skipped} />
          <Count label={t("filesRejected")} value={progress.files.rejected} />
        </dl>
      </section>

      <section aria-labelledby="tagging-heading" className="flex flex-col gap-2">
        <h2 id="tagging-heading" className="font-semibold">
          {t("taggingLabel")}
        </h2>
        {images.total === 0 ? (
          <p className="text-sm text-neutral-700">{importing ? t("taggingAfterImport") : t("taggingNone")}</p>
        ) : (
          <>
            <ProgressBar
              label={t("taggingLabel")}
              percent={tagged}
              valueText={t("taggingValue", { tagged: images.tagged, total: images.total })}
              tone="secondary"
            />
            <p className="text-sm text-neutral-700">
              {t("taggingValue", { tagged: images.tagged, total: images.total })}
              {images.failed > 0 ? ` ${t("taggingFailed", { count: images.failed })}` : null}
            </p>
            {tagging ? <p className="text-sm text-neutral-600">{t("taggingPending")}</p> : null}
          </>
        )}
      </section>

      <ul className="flex flex-wrap gap-4 text-sm">
        <li>
          <a href={links.reportUrl} className="text-teal-800 underline underline-offset-4" download>
            {t("report")}
          </a>
        </li>
        <li>
          <a href={`${links.reportUrl}?outcome=skipped`} className="text-teal-800 underline underline-offset-4" download>
            {t("rejectedReport")}
          </a>
        </li>
        <li>
          <Link href="/merchant/products" className="text-teal-800 underline underline-offset-4">
            {t("review")}
          </Link>
        </li>
        <li>
          <Link href="/merchant/uploads" className="text-teal-800 underline underline-offset-4">
            {t("another")}
          </Link>
        </li>
      </ul>
    </div>
  );
}

type Translate = ReturnType<typeof useTranslations>;

function statusText(t: Translate, progress: UploadProgress): string {
  switch (progress.status) {
    case "queued":
      return progress.error ? t("retrying", { error: progress.error }) : t("queued");
    case "running":
      return progress.rows.processed === 0 ? t("preparing") : t("running");
    case "done":
      return t("done");
    case "failed":
      return t("failed", { error: progress.error ?? t("unknownError") });
  }
}

function ProgressBar({ label, percent, valueText, tone = "primary" }: { label: string; percent: number; valueText: string; tone?: "primary" | "secondary" }) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent}% (${valueText})`}
      className="h-3 overflow-hidden rounded-full bg-neutral-200"
    >
      <div className={`h-full transition-[width] ${tone === "primary" ? "bg-teal-700" : "bg-sky-700"}`} style={{ width: `${percent}%` }} />
    </div>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded-md bg-neutral-50 p-2">
      <dt className="text-neutral-600">{label}</dt>
      <dd className="text-lg font-semibold">{value}</dd>
    </div>
  );
}
