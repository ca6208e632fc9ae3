"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";

import { labelFacet, labelValue } from "@/app/_lib/labels";
import type { ReviewGroup, TagReview } from "@/lib/review/review";

type SaveState = { kind: "idle" } | { kind: "saving"; group: string } | { kind: "saved"; group: string } | { kind: "error"; group: string; message: string };

/**
 * Accept and correct forms for each tag group. Every save sends the group's
 * verified values to PUT /api/merchant/products/{id}/tags and then reloads
 * the server data, so the page always shows what is stored.
 */
export function TagReviewForm({ review }: { review: TagReview }) {
  const t = useTranslations("upload.review");
  const router = useRouter();
  const [state, setState] = useState<SaveState>({ kind: "idle" });

  async function save(group: string, values: string[]) {
    setState({ kind: "saving", group });
    try {
      const response = await fetch(`/api/merchant/products/${review.product.id}/tags`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ [group]: values }),
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setState({ kind: "error", group, message: body?.error?.message ?? `HTTP ${response.status}` });
        return;
      }
      setState({ kind: "saved", group });
      router.refresh();
    } catch {
      setState({ kind: "error", group, message: t("networkError") });
    }
  }

  // Single-valued groups are always shown; multi-label groups only when there is something to choose.
  const groups = review.groups.filter((group) => group.single || candidates(group).length > 0);

  return (
    <div className="flex flex-col gap-4">
      {groups.map((group) =>
        group.single ? (
          <SingleGroup key={group.key} group={group} state={state} onSave={save} />
        ) : (
          <MultiGroup key={group.key} group={group} state={state} onSave={save} />
        ),
      )}
    </div>
  );
}

interface GroupProps {
  group: ReviewGroup;
  state: SaveState;
  onSave: (group: string, values: string[]) => Promise<void>;
}

function GroupFrame({ group, state, children }: { group: ReviewGroup; state: SaveState; children: React.ReactNode }) {
  const t = useTranslations("upload.review");
  const tFacets = useTranslations("facets");
  const tValues = useTranslations("values");
  const headingId = useId();
  const current = group.current.map((value) => labelValue(tValues, group.key, value)).join(", ");

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-neutral-200 p-4" data-testid={`review-group-${group.key}`}>
      <div className="flex flex-wrap items-center gap-2">
        <h2 id={headingId} className="font-semibold">
          {labelFacet(tFacets, group.key)}
        </h2>
        {group.verified ? <span className="rounded-full bg-teal-100 px-2 py-0.5 text-xs text-teal-900">{t("verified")}</span> : null}
      </div>
      <p className="mt-1 text-sm text-neutral-700">{t("current", { value: current || t("none") })}</p>
      {children}
      <p aria-live="polite" className="mt-2 text-sm">
        {state.kind !== "idle" && state.group === group.key ? (
          state.kind === "saving" ? (
            t("saving")
          ) : state.kind === "saved" ? (
            <span className="text-teal-800">{t("saved")}</span>
          ) : (
            <span className="text-red-800">{t("error", { message: state.message })}</span>
          )
        ) : null}
      </p>
    </section>
  );
}

function SingleGroup({ group, state, onSave }: GroupProps) {
  const t = useTranslations("upload.review");
  const tFacets = useTranslations("facets");
  const tValues = useTranslations("values");
  const inputId = useId();
  const listId = useId();
  const [value, setValue] = useState(group.current[0] ?? "");
  const busy = state.kind === "saving";
  const groupLabel = labelFacet(tFacets, group.key);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (value.trim() !== "") void onSave(group.key, [value.trim()]);
  }

  return (
    <GroupFrame group={group} state={state}>
      {group.predictions.length > 0 ? (
        <ul className="mt-3 flex flex-col gap-2 text-sm" aria-label={t("predictions", { group: groupLabel })}>
          {group.predictions.map((prediction) => (
            <li key={prediction.value} className="flex flex-wrap items-center gap-3">
              <span className="min-w-32 font-medium">{labelValue(tValues, group.key, prediction.value)}</span>
              <span className="text-neutral-600">{t("score", { score: prediction.score })}</span>
              <button
                type="button"
                disabled={busy}
                onClick={() => void onSave(group.key, [prediction.value])}
                aria-label={t("acceptLabel", { value: prediction.value, group: groupLabel })}
                className="rounded-md border border-neutral-400 px-2 py-1 hover:bg-neutral-100 disabled:opacity-60"
              >
                {t("accept")}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <label htmlFor={inputId} className="text-sm font-medium">
            {t("correctLabel", { group: groupLabel })}
          </label>
          <input
            id={inputId}
            list={listId}
            value={value}
            maxLength={100}
            onChange={(event) => setValue(event.target.value)}
            className="rounded-md border border-neutral-400 px-2 py-1"
          />
          <datalist id={listId}>
            {group.predictions.map((prediction) => (
              <option key={prediction.value} value={prediction.value} />
            ))}
          </datalist>
        </div>
        <button
          type="submit"
          disabled={busy || value.trim() === ""}
          className="rounded-md bg-teal-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-900 disabled:opacity-60"
        >
          {t("saveGroup", { group: groupLabel })}
        </button>
      </form>
    </GroupFrame>
  );
}

function MultiGroup({ group, state, onSave }: GroupProps) {
  const t = useTranslations("upload.review");
  const tFacets = useTranslations("facets");
  const tValues = useTranslations("values");
  const [checked, setChecked] = useState(() => new Set(group.current));
  const busy = state.kind === "saving";
  const groupLabel = labelFacet(tFacets, group.key);
  const scores = new Map(group.predictions.map((prediction) => [prediction.value, prediction.score]));
  const fromTitle = new Set(group.fromTitle);

  function toggle(value: string) {
    setChecked((current) => {
      const next = new Set(current);
      if (next.has(value)) next.delete(value);
      else next.add(value);
      return next;
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void onSave(group.key, [...checked].sort());
  }

  return (
    <GroupFrame group={group} state={state}>
      <form onSubmit={submit} className="mt-3 flex flex-col gap-2">
        <fieldset className="flex flex-wrap gap-x-5 gap-y-2 text-sm">
          <legend className="sr-only">{t("chooseValues", { group: groupLabel })}</legend>
          {candidates(group).map((value) => {
            const score = scores.get(value);
            const sources = [
              score !== undefined ? t("fromModel", { score }) : null,
              fromTitle.has(value) ? t("fromTitle") : null,
            ].filter(Boolean);
            return (
              <label key={value} className="flex items-center gap-2">
                <input type="checkbox" checked={checked.has(value)} onChange={() => toggle(value)} />
                <span>
                  {labelValue(tValues, group.key, value)}
                  {sources.length > 0 ? <span className="text-neutral-600"> ({sources.join(", ")})</span> : null}
                </span>
              </label>
            );
          })}
        </fieldset>
        <button
          type="submit"
          disabled={busy}
          className="self-start rounded-md bg-teal-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-teal-900 disabled:opacity-60"
        >
          {t("saveGroup", { group: groupLabel })}
        </button>
      </form>
    </GroupFrame>
  );
}

/** Lists the values a merchant can tick for a multi-label group: current, predicted and title values. */
function candidates(group: ReviewGroup): string[] {
  return [...new Set([...group.current, ...group.predictions.map((prediction) => prediction.value), ...group.fromTitle])].sort();
}
