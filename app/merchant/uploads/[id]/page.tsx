import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { AccountBar } from "@/app/(account)/_components/account-bar";
import { requirePageRole } from "@/lib/auth/page-guard";
import { getDatabase } from "@/lib/db/client";
import { uploadUrls } from "@/lib/uploads/api";
import { getUploadProgress } from "@/lib/uploads/progress";

import { MerchantNav } from "../_components/merchant-nav";
import { UploadProgressView } from "../_components/upload-progress";

export const dynamic = "force-dynamic";

interface PageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const t = await getTranslations("upload.progress");
  return { title: t("title", { id: (await params).id }) };
}

/** Renders the progress of one upload; the batch id in the URL lets a reload continue where it was. */
export default async function UploadProgressPage({ params }: PageProps) {
  const { id } = await params;
  const user = await requirePageRole(["merchant", "admin"], `/merchant/uploads/${encodeURIComponent(id)}`);
  const batchId = /^\d{1,15}$/.test(id) ? Number(id) : null;
  const progress = batchId === null ? undefined : await getUploadProgress(getDatabase(), user, batchId);
  if (!progress) notFound();

  const t = await getTranslations("upload.progress");
  const urls = uploadUrls(progress.id);

  return (
    <div className="mx-auto flex w-full max-w-4xl flex-col gap-6 px-4 py-8">
      <AccountBar user={user} />
      <MerchantNav current="uploads" />
      <h1 className="text-2xl font-semibold">{t("title", { id: progress.id })}</h1>
      <UploadProgressView initial={progress} links={{ statusUrl: urls.statusUrl, reportUrl: urls.reportUrl }} />
    </div>
  );
}
