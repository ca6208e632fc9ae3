import { getTranslations } from "next-intl/server";

export async function SiteFooter() {
  const t = await getTranslations("layout");

  return (
    <footer className="mt-16 border-t border-neutral-200 bg-neutral-50">
      <div className="mx-auto max-w-7xl space-y-1 px-4 py-8 text-sm text-neutral-600">
        <p>{t("footerAbout")}</p>
        <p>{t("footerData")}</p>
      </div>
    </footer>
  );
}
