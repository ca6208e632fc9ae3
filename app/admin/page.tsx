import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { AccountBar } from "@/app/(account)/_components/account-bar";
import { requirePageRole } from "@/lib/auth/page-guard";
import { getDatabase } from "@/lib/db/client";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("auth.admin");
  return { title: t("title") };
}

/** Shows admins the number of shops, accounts and products. The administration tools come later. */
export default async function AdminPage() {
  const user = await requirePageRole(["admin"], "/admin");
  const t = await getTranslations("auth.admin");
  const { prisma } = getDatabase();

  const [merchants, users, products] = await Promise.all([
    prisma.merchant.count(),
    prisma.user.count(),
    prisma.product.count({ where: { status: { not: "deleted" } } }),
  ]);
  const stats = [
    { label: t("merchants"), value: merchants },
    { label: t("users"), value: users },
    { label: t("products"), value: products },
  ];

  return (
    <div className="mx-auto flex w-full max-w-4xl flex-col gap-6 px-4 py-8">
      <AccountBar user={user} />
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        {stats.map((stat) => (
          <div key={stat.label} className="rounded-lg border border-neutral-200 p-4">
            <dt className="text-sm text-neutral-600">{stat.label}</dt>
            <dd className="text-3xl font-semibold">{stat.value}</dd>
          </div>
        ))}
      </dl>
      <Link href="/admin/evaluation" className="self-start rounded-md bg-neutral-900 px-4 py-2 text-white hover:bg-neutral-700 focus-visible:outline-2 focus-visible:outline-offset-2">
        {t("evaluationLink")}
      </Link>
    </div>
  );
}
