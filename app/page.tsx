import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";

import { listCategories, listNewArrivals } from "@/lib/catalogue/queries";

import { ProductCard } from "./_components/product-card";
import { TaggingBanner } from "./_components/tagging-banner";
import { searchHref } from "./search/_lib/search-url";

const CATEGORY_LIMIT = 12;
const NEW_ARRIVAL_LIMIT = 10;

export default async function HomePage() {
  // The catalogue changes at run time, so never prerender this page at build.
  await connection();
  const [categories, newArrivals, t] = await Promise.all([
    listCategories(CATEGORY_LIMIT),
    listNewArrivals(NEW_ARRIVAL_LIMIT),
    getTranslations(),
  ]);

  if (categories.length === 0 && newArrivals.length === 0) {
    return (
      <div className="mx-auto max-w-2xl px-4 py-16 text-center">
        <h1 className="text-2xl font-semibold">{t("home.emptyTitle")}</h1>
        <p className="mt-4 text-neutral-700">{t("home.emptyText")}</p>
        <p className="mt-2 text-sm text-neutral-600">{t("home.emptyHint")}</p>
      </div>
    );
  }

  return (
    <>
    <TaggingBanner />
    <div className="mx-auto max-w-7xl px-4">
      <section className="py-10 sm:py-14">
        <h1 className="max-w-2xl text-3xl font-semibold tracking-tight sm:text-4xl">{t("home.title")}</h1>
        <p className="mt-3 max-w-2xl text-lg text-neutral-700">{t("home.intro")}</p>
        <Link
          href="/search"
          className="mt-6 inline-block rounded-full bg-teal-700 px-5 py-2.5 text-sm font-medium text-white hover:bg-teal-800"
        >
          {t("home.browseAll")}
        </Link>
      </section>

      <section aria-labelledby="categories-heading" className="py-6">
        <h2 id="categories-heading" className="text-xl font-semibold">
          {t("home.categoriesTitle")}
        </h2>
        <ul className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {categories.map(({ category, count }) => (
            <li key={category}>
              <Link
                href={searchHref({ filters: { category: [category] } })}
                className="flex h-full flex-col rounded-lg border border-neutral-200 px-4 py-3 hover:border-neutral-900"
              >
                <span className="font-medium">{category}</span>
                <span className="text-sm text-neutral-600">{t("home.productCount", { count })}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="new-arrivals-heading" className="py-6">
        <h2 id="new-arrivals-heading" className="text-xl font-semibold">
          {t("home.newArrivalsTitle")}
        </h2>
        <ul className="mt-4 grid grid-cols-2 gap-x-4 gap-y-8 sm:grid-cols-3 lg:grid-cols-5">
          {newArrivals.map((product) => (
            <li key={product.id}>
              <ProductCard {...product} noImageLabel={t("search.noImage")} />
            </li>
          ))}
        </ul>
      </section>
    </div>
    </>
  );
}
