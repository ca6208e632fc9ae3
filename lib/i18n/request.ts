import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";

import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, type Locale } from "./locales";

/**
 * The language comes from the NEXT_LOCALE cookie set by the language switch,
 * else from the browser's Accept-Language, else English. URLs carry no locale
 * so a shared search link works in either language.
 */
async function resolveLocale(): Promise<Locale> {
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(cookie)) return cookie;

  const accepted = (await headers()).get("accept-language") ?? "";
  return /^\s*zh\b/i.test(accepted) ? "zh-CN" : DEFAULT_LOCALE;
}

/**
 * Feature areas keep their strings in their own files,
 * messages/<namespace>.<locale>.json, loaded under the key <namespace>.
 */
const MESSAGE_NAMESPACES = ["auth", "evaluation", "upload", "vision"] as const;

export default getRequestConfig(async () => {
  const locale = await resolveLocale();
  const messages: Record<string, unknown> = { ...(await import(`./messages/${locale}.json`)).default };
  for (const namespace of MESSAGE_NAMESPACES) {
    messages[namespace] = (await import(`./messages/${namespace}.${locale}.json`)).default;
  }
  return { locale, messages };
});
