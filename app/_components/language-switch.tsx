import { getLocale, getTranslations } from "next-intl/server";

import { setLocale } from "@/app/_actions/locale";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";

/**
 * Buttons for each language. It is a plain form posting to a server action,
 * so it works before hydration and keeps the current URL.
 */
export async function LanguageSwitch() {
  const locale = await getLocale();
  const t = await getTranslations("layout");

  return (
    <form action={setLocale}>
      <fieldset className="flex items-center gap-1 text-sm">
        <legend className="sr-only">{t("languageLabel")}</legend>
        {LOCALES.map((option) => {
          const current = option === locale;
          return (
            <button
              key={option}
              type="submit"
              name="locale"
              value={option}
              lang={option}
              aria-pressed={current}
              className={
                current
                  ? "rounded-full bg-neutral-900 px-3 py-1.5 font-medium text-white"
                  : "rounded-full px-3 py-1.5 text-neutral-700 hover:bg-neutral-100 hover:text-neutral-900"
              }
            >
              {LOCALE_NAMES[option]}
            </button>
          );
        })}
      </fieldset>
    </form>
  );
}
