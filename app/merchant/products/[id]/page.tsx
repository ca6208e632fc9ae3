import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { AccountBar } from "@/app/(account)/_components/account-bar";
import { requirePageRole } from "@/lib/auth/page-guard";
import { getDatabase } from "@/lib/db/client";
import { getTagReview } from "@/lib/review/review";

import { MerchantNav } from "../../uploads/_components/merchant-nav";
import { TagReviewForm } from "../_components/tag-review-form";

export const dynamic = "force-dynamic";

interface PageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("upload.review");
  return { title: t("title") };
}

/** Renders the tag review of one product: the model's predictions with scores, and forms to accept or correct them. */
export default async function TagReviewPage({ params }: PageProps) {
  const { id } = await params;
  const user = await requirePageRole(["merchant", "admin"], `/merchant/products/${encodeURIComponent(id)}`);
  const productId = /^\d{1,15}$/.test(id) ? Number(id) : null;
  const review = productId === null ? undefined : await getTagReview(getDatabase().prisma, user, productId);
  if (!review) notFound();

  const t = await getTranslations("upload.review");
  const { product } = review;
  const hasPredictions = review.groups.some((group) => group.predictions.length > 0);

  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-6 px-4 py-8">
      <AccountBar user={user} />
      <MerchantNav current="products" />
      <Link href="/merchant/products" className="text-sm text-teal-800 underline underline-offset-4">
        {t("back")}
      </Link>

      <div className="flex flex-col gap-6 sm:flex-row">
        <div className="relative aspect-[3/4] w-full max-w-56 shrink-0 overflow-hidden rounded-lg bg-neutral-100">
          {product.thumbnailUrl ? (
            <Image src={product.thumbnailUrl} alt={product.title} fill unoptimized sizes="14rem" className="object-contain" />
          ) : (
            <p className="p-4 text-sm text-neutral-600">{t("noImage")}</p>
          )}
        </div>
        <div className="flex flex-col gap-2">
          <h1 className="text-2xl font-semibold">{product.title}</h1>
          <p className="text-sm text-neutral-600">{t("sku", { sku: product.sku })}</p>
          {product.status === "published" ? (
            <Link href={`/products/${product.id}`} className="text-sm text-teal-800 underline underline-offset-4">
              {t("shopPage")}
            </Link>
          ) : null}
          {review.modelId ? <p className="text-sm text-neutral-600">{t("model", { model: review.modelId })}</p> : null}
        </div>
      </div>

      {hasPredictions ? null : (
        <p className="rounded-lg bg-neutral-100 p-4 text-sm text-neutral-700" data-testid="no-predictions">
          {product.imageStatus === "failed" ? t("taggingFailed") : t("noPredictions")}
        </p>
      )}

      <TagReviewForm review={review} />
    </div>
  );
}
