"use client";

import { useRouter } from "next/navigation";
import { createContext, use, useCallback, useMemo, useTransition } from "react";

interface SearchNavigationValue {
  /**
   * Pushes a /search URL inside one shared transition. `update` runs inside the
   * same transition, which lets a caller set optimistic state.
   */
  navigate(href: string, update?: () => void): void;
  isPending: boolean;
}

const SearchNavigationContext = createContext<SearchNavigationValue | null>(null);

/**
 * Wraps the search page so that facet and sort changes share one pending
 * state: while the next results load, the wrapper carries data-pending and
 * aria-busy, and the results dim. router.push adds a history entry, so the
 * back button returns to the previous search.
 */
export function SearchNavigation({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();

  const navigate = useCallback(
    (href: string, update?: () => void) => {
      startTransition(() => {
        update?.();
        router.push(href, { scroll: false });
      });
    },
    [router],
  );
  const value = useMemo(() => ({ navigate, isPending }), [navigate, isPending]);

  return (
    <SearchNavigationContext value={value}>
      <div className="group/search" data-pending={isPending ? "" : undefined} aria-busy={isPending}>
        {children}
      </div>
    </SearchNavigationContext>
  );
}

export function useSearchNavigation(): SearchNavigationValue {
  const value = use(SearchNavigationContext);
  if (!value) throw new Error("useSearchNavigation must be called inside <SearchNavigation>");
  return value;
}
