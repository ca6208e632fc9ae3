import type { Metadata } from "next";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";

import { labelFacet, labelValue } from "@/app/_lib/labels";
import { searchProducts } from "@/lib/search";
import { FACETS } from "@/lib/search/types";

import { PhotoSearch, type FacetOptions } from "./_components/photo-search";

/** Values offered per facet filter, the most frequent first. */
const VALUES_PER_FACET = 30;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("vision.photoSearch");
  return { title: t("title") };
}

export default async function PhotoSearchPage() {
  await connection();
  const t = await getTranslations("vision.photoSearch");
  const tFacets = await getTranslations("facets");
  const tValues = await getTranslations("values");

  // The facet counts of an empty keyword search list every value in the catalogue.
  const { facetDistribution } = await searchProducts({ q: "", filters: {}, sort: "relevance", page: 1, hitsPerPage: 1 });
  const facets: FacetOptions[] = FACETS.map((facet) => ({
    facet,
    label: labelFacet(tFacets, facet),
    values: Object.keys(facetDistribution[facet] ?? {})
      .slice(0, VALUES_PER_FACET)
      .map((value) => ({ value, label: labelValue(tValues, facet, value) })),
  })).filter((options) => options.values.length > 0);

  return (
    <div className="mx-auto max-w-7xl px-4 py-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mt-1 text-neutral-600">{t("intro")}</p>
      <PhotoSearch facets={facets} />
    </div>
  );
}
