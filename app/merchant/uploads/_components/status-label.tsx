import { getTranslations } from "next-intl/server";

const STATUS_STYLES: Record<string, string> = {
  queued: "bg-neutral-100 text-neutral-800",
  running: "bg-sky-100 text-sky-900",
  done: "bg-teal-100 text-teal-900",
  failed: "bg-red-100 text-red-900",
};

/** Renders an import batch's status as a badge. */
export async function StatusLabel({ status }: { status: string }) {
  const t = await getTranslations("upload.status");
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLES[status] ?? STATUS_STYLES.queued}`}>
      {t.has(status) ? t(status) : status}
    </span>
  );
}
