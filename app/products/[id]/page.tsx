import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { cache } from "react";

import { labelFacet, labelValue, type Translator } from "@/app/_lib/labels";
import { searchHref } from "@/app/search/_lib/search-url";
import { getProduct, type ProductAttributeView, type ProductDetail } from "@/lib/catalogue/queries";
import type { Facet } from "@/lib/search/types";

import { ProductGallery } from "./_components/product-gallery";
import { ModelPredictions, SimilarItems } from "./_components/vision-sections";

type Params = Promise<{ id: string }>;

/** Catalogue columns that are also attribute groups. Their merchant tags repeat the product details. */
const COLUMN_GROUPS = ["category", "colour", "gender", "season", "usage"] as const;

/** Reads a product id from the URL: digits only, so "12abc" and "1e3" are not found. */
function parseProductId(raw: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

// cache() lets generateMetadata and the page share one query per request.
const loadProduct = cache(async (rawId: string): Promise<ProductDetail> => {
  const id = parseProductId(rawId);
  const product = id === undefined ? undefined : await getProduct(id);
  if (!product) notFound();
  return product;
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const product = await loadProduct((await params).id);
  return { title: product.title, description: [product.brand, product.category, product.colour].filter(Boolean).join(" · ") };
}

export default async function ProductPage({ params }: { params: Params }) {
  const product = await loadProduct((await params).id);
  const t = await getTranslations("product");
  const tFacets = await getTranslations("facets");
  const tValues = await getTranslations("values");

  const total = product.images.length;
  const path = categoryPath(product);
  const details: { facet: Facet | "year"; value: string; href?: string }[] = [
    { facet: "colour", value: product.colour },
    { facet: "gender", value: product.gender },
    { facet: "season", value: product.season },
    { facet: "usage", value: product.usage },
  ]
    .filter((item): item is { facet: Facet; value: string } => Boolean(item.value))
    .map((item) => ({ ...item, href: searchHref({ filters: { [item.facet]: [item.value] } }) }));
  if (product.year !== null) details.push({ facet: "year", value: String(product.year) });

  return (
    <div className="mx-auto max-w-7xl px-4 py-6">
      {path.length > 0 ? (
        <nav aria-label={t("breadcrumbLabel")} className="mb-6 text-sm">
          <ol className="flex flex-wrap items-center gap-1 text-neutral-600">
            {path.map((step, index) => (
              <li key={step.facet} className="flex items-center gap-1">
                {index > 0 ? <span aria-hidden="true">›</span> : null}
                <Link
                  href={searchHref({ filters: { [step.facet]: [step.value] } })}
                  aria-current={index === path.length - 1 ? "page" : undefined}
                  className="underline-offset-2 hover:text-neutral-900 hover:underline"
                >
                  {labelValue(tValues, step.facet, step.value)}
                </Link>
              </li>
            ))}
          </ol>
        </nav>
      ) : null}

      <div className="grid gap-8 md:grid-cols-2 lg:gap-12">
        <div className="md:max-w-md">
          <ProductGallery
            images={product.images}
            title={product.title}
            altTexts={product.images.map((_, index) =>
              total > 1 ? t("imageAltNumbered", { title: product.title, index: index + 1, total }) : product.title,
            )}
            thumbnailLabels={product.images.map((_, index) => t("showImage", { index: index + 1, total }))}
            noImageLabel={t("noImage")}
          />
        </div>

        <div className="min-w-0">
          {product.brand ? (
            <p className="text-sm font-medium tracking-wide text-neutral-600 uppercase">
              <Link href={searchHref({ q: product.brand })} className="hover:text-neutral-900 hover:underline">
                {product.brand}
              </Link>
            </p>
          ) : null}
          <h1 className="mt-1 text-2xl font-semibold break-words sm:text-3xl">{product.title}</h1>

          <section aria-labelledby="details-heading" className="mt-8">
            <h2 id="details-heading" className="text-lg font-semibold">
              {t("detailsTitle")}
            </h2>
            <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
              {details.map((item) => (
                <div key={item.facet} className="contents">
                  <dt className="text-neutral-600">{labelFacet(tFacets, item.facet)}</dt>
                  <dd>
                    {item.href ? (
                      <Link href={item.href} className="underline underline-offset-2 hover:text-teal-800">
                        {labelValue(tValues, item.facet, item.value)}
                      </Link>
                    ) : (
                      item.value
                    )}
                  </dd>
                </div>
              ))}
              <div className="contents">
                <dt className="text-neutral-600">{t("sku")}</dt>
                <dd className="tabular-nums">{product.sku}</dd>
              </div>
            </dl>
          </section>

          <AttributeTags product={product} t={t} tFacets={tFacets} tValues={tValues} />

          <ModelPredictions product={product} />

          <div className="mt-8 flex flex-wrap gap-3">
            {product.category ? (
              <Link
                href={searchHref({ filters: { category: [product.category] } })}
                className="rounded-full bg-neutral-900 px-4 py-2 text-sm font-medium text-white hover:bg-neutral-700"
              >
                {t("moreInCategory", { category: product.category })}
              </Link>
            ) : null}
            {product.colour && product.category ? (
              <Link
                href={searchHref({ filters: { category: [product.category], colour: [product.colour] } })}
                className="rounded-full border border-neutral-300 px-4 py-2 text-sm font-medium hover:border-neutral-900"
              >
                {t("moreInColour", { category: product.category, colour: labelValue(tValues, "colour", product.colour) })}
              </Link>
            ) : null}
          </div>
        </div>
      </div>

      <SimilarItems productId={product.id} />
    </div>
  );
}

interface AttributeTagsProps {
  product: ProductDetail;
  t: Translator;
  tFacets: Translator;
  tValues: Translator;
}

/** Renders the attribute tags grouped by attribute group, each with its source. */
function AttributeTags({ product, t, tFacets, tValues }: AttributeTagsProps) {
  const groups = groupAttributes(product);

  return (
    <section aria-labelledby="attributes-heading" className="mt-8">
      <h2 id="attributes-heading" className="text-lg font-semibold">
        {t("attributesTitle")}
      </h2>
      {groups.length === 0 ? (
        <p className="mt-2 text-sm text-neutral-600">{t("noAttributes")}</p>
      ) : (
        <>
          <p className="mt-1 text-sm text-neutral-600">{t("attributesIntro")}</p>
          <dl className="mt-3 space-y-3">
            {groups.map(({ group, attributes }) => (
              <div key={group}>
                <dt className="text-sm font-medium text-neutral-700">{labelFacet(tFacets, group)}</dt>
                <dd>
                  <ul className="mt-1 flex flex-wrap gap-2">
                    {attributes.map((attribute) => (
                      <li
                        key={`${attribute.value}:${attribute.source}`}
                        className="rounded-full border border-neutral-200 bg-neutral-50 px-3 py-1 text-sm"
                        data-testid="attribute-tag"
                      >
                        <span className="font-medium">{labelValue(tValues, group, attribute.value)}</span>
                        <span className="text-neutral-600"> · {sourceLabel(t, attribute)}</span>
                        {attribute.verified ? <span className="text-teal-800"> · {t("verified")}</span> : null}
                      </li>
                    ))}
                  </ul>
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}

function sourceLabel(t: Translator, attribute: ProductAttributeView): string {
  switch (attribute.source) {
    case "merchant":
      return t("sourceMerchant");
    case "title":
      return t("sourceTitle");
    case "model":
      return attribute.score === null ? t("sourceModelNoScore") : t("sourceModel", { score: attribute.score });
  }
}

/**
 * Groups the tags in their stored order. A merchant tag that only repeats a
 * catalogue column shown under "Product details" (colour "Blue" from the
 * merchant next to the column colour "Blue") is left out.
 */
function groupAttributes(product: ProductDetail): { group: string; attributes: ProductAttributeView[] }[] {
  const groups = new Map<string, ProductAttributeView[]>();
  for (const attribute of product.attributes) {
    const column = (COLUMN_GROUPS as readonly string[]).includes(attribute.group)
      ? product[attribute.group as (typeof COLUMN_GROUPS)[number]]
      : null;
    if (attribute.source === "merchant" && column === attribute.value) continue;

    const list = groups.get(attribute.group) ?? [];
    list.push(attribute);
    groups.set(attribute.group, list);
  }
  return [...groups].map(([group, attributes]) => ({ group, attributes }));
}

function categoryPath(product: ProductDetail): { facet: Facet; value: string }[] {
  const steps: { facet: Facet; value: string | null }[] = [
    { facet: "masterCategory", value: product.masterCategory },
    { facet: "subCategory", value: product.subCategory },
    { facet: "category", value: product.category },
  ];
  return steps.filter((step): step is { facet: Facet; value: string } => Boolean(step.value));
}
