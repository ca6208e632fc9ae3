import { getTranslations } from "next-intl/server";

const SKELETON_CARDS = 12;
const SKELETON_FACETS = 4;

/** Placeholder with the search page's shape while the first results load. */
export default async function SearchLoading() {
  const t = await getTranslations("search");

  return (
    <div className="mx-auto max-w-7xl px-4 py-6" aria-busy="true">
      <p role="status" className="sr-only">
        {t("loading")}
      </p>
      <div aria-hidden="true" className="animate-pulse">
        <div className="border-b border-neutral-200 pb-4">
          <div className="h-7 w-64 max-w-full rounded bg-neutral-200" />
          <div className="mt-2 h-4 w-32 rounded bg-neutral-200" />
        </div>
        <div className="mt-6 lg:grid lg:grid-cols-[15rem_minmax(0,1fr)] lg:gap-10">
          <div className="hidden space-y-6 lg:block">
            {Array.from({ length: SKELETON_FACETS }, (_, index) => (
              <div key={index} className="space-y-2">
                <div className="h-4 w-24 rounded bg-neutral-200" />
                <div className="h-4 w-40 rounded bg-neutral-100" />
                <div className="h-4 w-36 rounded bg-neutral-100" />
                <div className="h-4 w-32 rounded bg-neutral-100" />
              </div>
            ))}
          </div>
          <ul className="grid grid-cols-2 gap-x-4 gap-y-8 sm:grid-cols-3 xl:grid-cols-4">
            {Array.from({ length: SKELETON_CARDS }, (_, index) => (
              <li key={index}>
                <div className="aspect-[3/4] rounded-lg bg-neutral-100" />
                <div className="mt-2 h-4 w-3/4 rounded bg-neutral-200" />
                <div className="mt-1 h-4 w-1/2 rounded bg-neutral-100" />
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
