import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import { AccountBar } from "@/app/(account)/_components/account-bar";
import { requirePageRole } from "@/lib/auth/page-guard";
import { getDatabase } from "@/lib/db/client";
import { listReviewProducts, REVIEW_PAGE_SIZE } from "@/lib/review/review";

import { MerchantNav } from "../uploads/_components/merchant-nav";

export const dynamic = "force-dynamic";

interface PageProps {
  searchParams: Promise<{ after?: string | string[] }>;
}

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("upload.products");
  return { title: t("title") };
}

/** Lists the shop's products with their tagging state, each linking to its tag review, a page at a time (?after=<last id>). */
export default async function ReviewProductsPage({ searchParams }: PageProps) {
  const user = await requirePageRole(["merchant", "admin"], "/merchant/products");
  const t = await getTranslations("upload.products");
  const { after } = await searchParams;
  const afterId = typeof after === "string" && /^\d{1,15}$/.test(after) ? Number(after) : undefined;

  const page = await listReviewProducts(getDatabase().prisma, user, { afterId, limit: REVIEW_PAGE_SIZE + 1 });
  const products = page.slice(0, REVIEW_PAGE_SIZE);
  const next = page.length > REVIEW_PAGE_SIZE ? products[products.length - 1]?.id : undefined;

  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-6 px-4 py-8">
      <AccountBar user={user} />
      <MerchantNav current="products" />
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-neutral-700">{t("intro")}</p>
      </div>

      {products.length === 0 ? (
        <p className="text-neutral-600">{afterId === undefined ? t("empty") : t("noMore")}</p>
      ) : (
        <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="review-products">
          {products.map((product) => (
            <li key={product.id} className="flex gap-3 rounded-lg border border-neutral-200 p-3">
              <div className="relative h-24 w-18 shrink-0 overflow-hidden rounded bg-neutral-100">
                {product.thumbnailUrl ? (
                  <Image src={product.thumbnailUrl} alt="" fill unoptimized sizes="4.5rem" className="object-contain" />
                ) : null}
              </div>
              <div className="flex min-w-0 flex-col gap-1 text-sm">
                <Link href={`/merchant/products/${product.id}`} className="font-medium text-teal-800 underline underline-offset-4">
                  {product.title}
                </Link>
                <span className="text-neutral-600">{t("sku", { sku: product.sku })}</span>
                <span className="text-neutral-600">{tagState(t, product.imageStatus)}</span>
                {product.verifiedGroups > 0 ? (
                  <span className="text-teal-800">{t("verifiedGroups", { count: product.verifiedGroups })}</span>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}

      {next !== undefined ? (
        <Link href={`/merchant/products?after=${next}`} className="self-start text-teal-800 underline underline-offset-4">
          {t("nextPage")}
        </Link>
      ) : null}
    </div>
  );
}

function tagState(t: Awaited<ReturnType<typeof getTranslations>>, imageStatus: string | null): string {
  switch (imageStatus) {
    case "tagged":
      return t("tagged");
    case "processing":
      return t("tagging");
    case "failed":
      return t("taggingFailed");
    case null:
      return t("noImage");
    default:
      return t("waitingForTags");
  }
}
