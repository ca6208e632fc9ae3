"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";

const POLL_INTERVAL_MS = 1_000;

interface RunState {
  status: "queued" | "running" | "done" | "failed";
  error: string | null;
  progress: { stage: string; fraction: number } | null;
}

/** Polls GET /api/admin/evaluations/:id until the run is done or failed, and shows its progress. */
export function EvaluationProgressBar({ runId }: { runId: number }) {
  const t = useTranslations("evaluation");
  const router = useRouter();
  const [state, setState] = useState<RunState | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const response = await fetch(`/api/admin/evaluations/${runId}`, { cache: "no-store" });
        if (response.ok) {
          const { run } = (await response.json()) as { run: RunState };
          if (stopped) return;
          setState(run);
          if (run.status === "done" || run.status === "failed") {
            router.refresh();
            return;
          }
        }
      } catch {
        // A failed poll is retried on the next tick.
      }
      if (!stopped) timer = setTimeout(poll, POLL_INTERVAL_MS);
    }
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [runId, router]);

  const status = state?.status ?? "queued";
  const fraction = state?.progress?.fraction ?? 0;
  const stage = state?.progress?.stage;
  const stageLabel = stage && t.has(`stage.${stage}`) ? t(`stage.${stage}`) : t(`status.${status}`);

  return (
    <div className="flex flex-col gap-1" data-testid="evaluation-progress" data-status={status}>
      <label className="text-sm text-neutral-700" htmlFor={`evaluation-progress-${runId}`}>
        {t("progress.label", { id: runId })}: {stageLabel}
      </label>
      <progress id={`evaluation-progress-${runId}`} max={1} value={fraction} className="h-3 w-full" />
      {status === "failed" && (
        <p role="alert" className="text-sm text-red-700">
          {t("progress.failed", { error: state?.error ?? "" })}
        </p>
      )}
      {status === "done" && (
        <Link href={`/admin/evaluation/${runId}`} className="text-sm text-indigo-700 underline">
          {t("progress.open")}
        </Link>
      )}
    </div>
  );
}
