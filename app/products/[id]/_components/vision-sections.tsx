import Image from "next/image";
import Link from "next/link";
import { getTranslations } from "next-intl/server";

import type { ProductDetail } from "@/lib/catalogue/queries";
import { getProductPrediction, getSimilarProducts } from "@/lib/photo-search/product-vision";

/** The model's category top-5 and its attributes for the main photo, with scores. */
export async function ModelPredictions({ product }: { product: ProductDetail }) {
  const t = await getTranslations("vision");
  const prediction = await getProductPrediction(product.id);
  const attributes = product.attributes.filter((attribute) => attribute.source === "model");

  return (
    <section aria-labelledby="predicted-heading" className="mt-8" data-testid="model-predictions">
      <h2 id="predicted-heading" className="text-lg font-semibold">
        {t("predictedTitle")}
      </h2>
      {!prediction ? (
        <p className="mt-2 text-sm text-neutral-600">{t("notTaggedYet")}</p>
      ) : (
        <>
          <p className="mt-1 text-sm text-neutral-600">{t("predictedIntro", { modelId: prediction.modelId })}</p>
          <h3 className="mt-3 text-sm font-medium text-neutral-700">{t("predictedCategories")}</h3>
          <ol className="mt-1 space-y-1 text-sm">
            {prediction.categoryTopK.map((entry) => (
              <li key={entry.category} className="flex items-center gap-3">
                <span className="w-40 truncate">{entry.category}</span>
                <span className="h-2 w-32 overflow-hidden rounded bg-neutral-100" aria-hidden="true">
                  <span className="block h-full bg-teal-700" style={{ width: `${Math.round(entry.score * 100)}%` }} />
                </span>
                <span className="tabular-nums text-neutral-600">{t("score", { score: entry.score })}</span>
              </li>
            ))}
          </ol>
          <h3 className="mt-3 text-sm font-medium text-neutral-700">{t("predictedAttributes")}</h3>
          {attributes.length === 0 ? (
            <p className="mt-1 text-sm text-neutral-600">{t("noModelAttributes")}</p>
          ) : (
            <ul className="mt-1 flex flex-wrap gap-2">
              {attributes.map((attribute) => (
                <li key={`${attribute.group}:${attribute.value}`} className="rounded-full border border-neutral-200 px-3 py-1 text-sm">
                  {attribute.value}
                  {attribute.score !== null ? <span className="text-neutral-600"> · {t("score", { score: attribute.score })}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** Products whose main photo looks most like this one's; a note instead while the worker is down. */
export async function SimilarItems({ productId }: { productId: number }) {
  const t = await getTranslations("vision");
  const similar = await getSimilarProducts(productId);

  return (
    <section aria-labelledby="similar-heading" className="mt-12" data-testid="similar-items">
      <h2 id="similar-heading" className="text-lg font-semibold">
        {t("similarTitle")}
      </h2>
      {similar.status === "unavailable" ? <p className="mt-2 text-sm text-neutral-600">{t("similarUnavailable")}</p> : null}
      {similar.status === "not-tagged" ? <p className="mt-2 text-sm text-neutral-600">{t("similarNotTagged")}</p> : null}
      {similar.status === "ok" && similar.hits.length === 0 ? <p className="mt-2 text-sm text-neutral-600">{t("similarNone")}</p> : null}
      {similar.status === "ok" && similar.hits.length > 0 ? (
        <ul className="mt-4 grid grid-cols-2 gap-4 sm:grid-cols-4">
          {similar.hits.map((hit) => (
            <li key={hit.productId} data-testid="similar-item">
              <Link href={`/products/${hit.productId}`} className="group block">
                <div className="relative aspect-[3/4] overflow-hidden rounded-lg bg-neutral-100">
                  {hit.imageUrl ? <Image src={hit.imageUrl} alt={hit.title} fill unoptimized sizes="(min-width: 640px) 12rem, 50vw" className="object-cover" /> : null}
                </div>
                <p className="mt-2 line-clamp-2 text-sm group-hover:underline">{hit.title}</p>
                <p className="text-xs text-neutral-600 tabular-nums">{t("similarity", { score: hit.score })}</p>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
