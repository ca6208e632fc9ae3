import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { AccountBar } from "@/app/(account)/_components/account-bar";
import { requirePageRole } from "@/lib/auth/page-guard";
import { listMerchantImportBatches } from "@/lib/auth/tenancy";
import { getDatabase } from "@/lib/db/client";
import { DEFAULT_UPLOAD_LIMITS } from "@/lib/uploads/limits";
import { TEMPLATE_COLUMNS } from "@/lib/uploads/template";

import { MerchantNav } from "./_components/merchant-nav";
import { StatusLabel } from "./_components/status-label";
import { UploadForm } from "./_components/upload-form";

export const dynamic = "force-dynamic";

const RECENT_UPLOADS = 10;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("upload.uploads");
  return { title: t("title") };
}

/** Renders the bulk upload form with the CSV columns explained, and the shop's recent imports. */
export default async function UploadsPage() {
  const user = await requirePageRole(["merchant", "admin"], "/merchant/uploads");
  const t = await getTranslations("upload.uploads");
  const format = await getFormatter();
  const batches = await listMerchantImportBatches(getDatabase().prisma, user, { limit: RECENT_UPLOADS });

  const required = TEMPLATE_COLUMNS.filter((column) => column.required).map((column) => column.name);
  const optional = TEMPLATE_COLUMNS.filter((column) => !column.required).map((column) => column.name);

  return (
    <div className="mx-auto flex w-full max-w-4xl flex-col gap-6 px-4 py-8">
      <AccountBar user={user} />
      <MerchantNav current="uploads" />
      <div className="flex flex-col gap-2">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-neutral-700">{t("intro")}</p>
      </div>

      <section aria-labelledby="columns-heading" className="rounded-lg border border-neutral-200 p-4 text-sm sm:p-6">
        <h2 id="columns-heading" className="text-base font-semibold">
          {t("columnsTitle")}
        </h2>
        <ul className="mt-2 list-disc space-y-1 pl-5 text-neutral-700">
          <li>{t("requiredColumns", { columns: required.join(", ") })}</li>
          <li>{t("optionalColumns", { columns: optional.join(", ") })}</li>
          <li>{t("imagesNote")}</li>
          <li>{t("kaggleNote")}</li>
        </ul>
        <a href="/api/merchant/uploads/template" className="mt-3 inline-block text-teal-800 underline underline-offset-4" download>
          {t("templateLink")}
        </a>
      </section>

      {user.role === "merchant" ? (
        <UploadForm
          limits={{
            csvBytes: DEFAULT_UPLOAD_LIMITS.csvBytes,
            imageBytes: DEFAULT_UPLOAD_LIMITS.imageBytes,
            uploadBytes: DEFAULT_UPLOAD_LIMITS.uploadBytes,
            files: DEFAULT_UPLOAD_LIMITS.files,
          }}
        />
      ) : (
        <p className="rounded-lg bg-neutral-100 p-4 text-sm text-neutral-700">{t("adminNote")}</p>
      )}

      <section aria-labelledby="recent-heading" className="flex flex-col gap-3">
        <h2 id="recent-heading" className="text-lg font-semibold">
          {t("recentTitle")}
        </h2>
        {batches.length === 0 ? (
          <p className="text-sm text-neutral-600">{t("noUploads")}</p>
        ) : (
          <ul className="divide-y divide-neutral-200 rounded-lg border border-neutral-200">
            {batches.map((batch) => (
              <li key={batch.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm">
                <Link href={`/merchant/uploads/${batch.id}`} className="text-teal-800 underline underline-offset-4">
                  {t("batchLine", {
                    id: batch.id,
                    date: format.dateTime(batch.createdAt, { dateStyle: "medium", timeStyle: "short" }),
                    rows: batch.rowsTotal,
                  })}
                </Link>
                <StatusLabel status={batch.status} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
