import { getTranslations } from "next-intl/server";

import { getPageUser } from "@/lib/auth/page-guard";

/** Renders the 403 page of the evaluation pages for a signed-in user who is not an admin. */
export default async function EvaluationForbidden() {
  const [t, user] = await Promise.all([getTranslations("evaluation.forbidden"), getPageUser()]);

  return (
    <div className="mx-auto w-full max-w-2xl px-4 py-12" data-testid="evaluation-forbidden">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mt-2 text-neutral-600">{t("body", { role: user?.role ?? "shopper" })}</p>
    </div>
  );
}
