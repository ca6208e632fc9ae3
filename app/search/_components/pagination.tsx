import Link from "next/link";
import { getTranslations } from "next-intl/server";

import type { SearchRequest } from "@/lib/search/types";

import { pageHref } from "../_lib/search-url";

interface PaginationProps {
  request: SearchRequest;
  page: number;
  totalPages: number;
}

/** Pages shown on each side of the current one before an ellipsis. */
const PAGE_WINDOW = 2;

export async function Pagination({ request, page, totalPages }: PaginationProps) {
  if (totalPages <= 1) return null;
  const t = await getTranslations("search");

  const linkClass = "inline-flex min-w-10 items-center justify-center rounded-md border px-3 py-2 text-sm";
  const idleClass = `${linkClass} border-neutral-300 hover:border-neutral-900`;

  return (
    <nav aria-label={t("paginationLabel")} className="mt-10">
      <ul className="flex flex-wrap items-center justify-center gap-2">
        {page > 1 ? (
          <li>
            <Link href={pageHref(request, page - 1)} rel="prev" className={idleClass}>
              {t("previousPage")}
            </Link>
          </li>
        ) : null}
        {pageNumbers(page, totalPages).map((number, index) =>
          number === null ? (
            <li key={`gap-${index}`} aria-hidden="true" className="px-1 text-neutral-500">
              …
            </li>
          ) : (
            <li key={number}>
              <Link
                href={pageHref(request, number)}
                aria-label={t("pageLink", { page: number })}
                aria-current={number === page ? "page" : undefined}
                className={number === page ? `${linkClass} border-neutral-900 bg-neutral-900 text-white` : idleClass}
              >
                {number}
              </Link>
            </li>
          ),
        )}
        {page < totalPages ? (
          <li>
            <Link href={pageHref(request, page + 1)} rel="next" className={idleClass}>
              {t("nextPage")}
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

/** Page numbers to link, with null for a gap: 1 … 4 5 [6] 7 8 … 20. */
export function pageNumbers(page: number, totalPages: number): (number | null)[] {
  const numbers: (number | null)[] = [];
  const start = Math.max(2, page - PAGE_WINDOW);
  const end = Math.min(totalPages - 1, page + PAGE_WINDOW);

  numbers.push(1);
  if (start > 2) numbers.push(null);
  for (let number = start; number <= end; number += 1) numbers.push(number);
  if (end < totalPages - 1) numbers.push(null);
  if (totalPages > 1) numbers.push(totalPages);
  return numbers;
}
