import { getTranslations } from "next-intl/server";

import { getDatabase } from "@/lib/db/client";
import { logger } from "@/lib/logger";

/** Progress of the first tagging run ("tagging N / M"); renders nothing once every photo is tagged or failed. */
export async function TaggingBanner() {
  const images = getDatabase().prisma.productImage;
  let counts: [number, number, number];
  try {
    counts = await Promise.all([images.count(), images.count({ where: { status: "tagged" } }), images.count({ where: { status: "failed" } })]);
  } catch (error) {
    logger.warn({ err: error }, "Tagging progress could not be read");
    return null;
  }
  const [total, tagged, failed] = counts;
  if (total === 0 || tagged + failed >= total) return null;

  const t = await getTranslations("vision");
  return (
    <div role="status" className="mx-auto mt-4 max-w-7xl px-4" data-testid="tagging-banner">
      <div className="rounded-lg border border-teal-200 bg-teal-50 px-4 py-3 text-sm text-teal-900">
        <p>{t("taggingBanner", { tagged, total })}</p>
        {failed > 0 ? <p className="mt-1">{t("taggingFailed", { failed })}</p> : null}
        <progress className="mt-2 h-2 w-full" max={total} value={tagged} />
      </div>
    </div>
  );
}
