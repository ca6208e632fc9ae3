"use server";

import { refresh } from "next/cache";
import { cookies } from "next/headers";

import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/locales";

/** One year, in seconds: the language choice outlives the browser session. */
const LOCALE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

/**
 * Stores the language chosen in the language switch (form field "locale") in
 * the NEXT_LOCALE cookie and re-renders the current page, so the URL stays the
 * same. An unknown locale is ignored.
 */
export async function setLocale(formData: FormData): Promise<void> {
  const locale = formData.get("locale");
  if (!isLocale(locale)) return;

  (await cookies()).set(LOCALE_COOKIE, locale, {
    path: "/",
    maxAge: LOCALE_COOKIE_MAX_AGE_S,
    sameSite: "lax",
  });
  refresh();
}
