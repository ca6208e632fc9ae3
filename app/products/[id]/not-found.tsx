import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function ProductNotFound() {
  const t = await getTranslations("product");

  return (
    <div className="mx-auto max-w-2xl px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">{t("notFoundTitle")}</h1>
      <p className="mt-3 text-neutral-700">{t("notFoundText")}</p>
      <Link
        href="/search"
        className="mt-6 inline-block rounded-full bg-neutral-900 px-5 py-2.5 text-sm font-medium text-white hover:bg-neutral-700"
      >
        {t("searchInstead")}
      </Link>
    </div>
  );
}
