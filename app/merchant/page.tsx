import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { AccountBar } from "@/app/(account)/_components/account-bar";
import { requirePageRole } from "@/lib/auth/page-guard";
import { countMerchantProducts } from "@/lib/auth/tenancy";
import { getDatabase } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.merchant");
  return { title: t("title") };
}

/**
 * Shows the merchant dashboard: the shop name, its product count and links to
 * the catalogue upload and tag review.
 * An admin may open it too and gets the count for every shop.
 */
export default async function MerchantPage() {
  const user = await requirePageRole(["merchant", "admin"], "/merchant");
  const t = await getTranslations("auth.merchant");
  const { prisma } = getDatabase();

  const [productCount, shop] = await Promise.all([
    countMerchantProducts(prisma, user),
    user.merchantId === null
      ? Promise.resolve(null)
      : prisma.merchant.findUnique({ where: { id: user.merchantId }, select: { name: true } }),
  ]);

  return (
    <div className="mx-auto flex w-full max-w-4xl flex-col gap-6 px-4 py-8">
      <AccountBar user={user} />
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        {shop ? <p className="text-neutral-700">{t("shop", { name: shop.name })}</p> : null}
      </div>
      <section className="rounded-lg border border-neutral-200 p-4 sm:p-6">
        <p className="text-3xl font-semibold">{t("productCount", { count: productCount })}</p>
        {user.role === "admin" ? <p className="mt-2 text-sm text-neutral-600">{t("allShops")}</p> : null}
      </section>
      <nav aria-label={t("tasks")} className="flex flex-wrap gap-3">
        <Link href="/merchant/uploads" className="rounded-md bg-neutral-900 px-4 py-2 text-white hover:bg-neutral-700 focus-visible:outline-2 focus-visible:outline-offset-2">
          {t("uploadsLink")}
        </Link>
        <Link href="/merchant/products" className="rounded-md border border-neutral-300 px-4 py-2 hover:bg-neutral-50 focus-visible:outline-2 focus-visible:outline-offset-2">
          {t("productsLink")}
        </Link>
      </nav>
    </div>
  );
}
