"use client";

import { useOptimistic } from "react";

import type { Sort } from "@/lib/search/types";

import { useSearchNavigation } from "./search-navigation";

export interface SortOption {
  value: Sort;
  label: string;
  href: string;
}

interface SortSelectProps {
  label: string;
  options: SortOption[];
  current: Sort;
}

/** Renders the sort menu. Choosing an option navigates to that option's URL. */
export function SortSelect({ label, options, current }: SortSelectProps) {
  const { navigate } = useSearchNavigation();
  const [shownSort, setShownSort] = useOptimistic(current);

  function handleChange(event: React.ChangeEvent<HTMLSelectElement>) {
    const option = options.find((candidate) => candidate.value === event.target.value);
    if (option) navigate(option.href, () => setShownSort(option.value));
  }

  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor="search-sort" className="text-neutral-700">
        {label}
      </label>
      <select
        id="search-sort"
        name="sort"
        value={shownSort}
        onChange={handleChange}
        className="rounded-md border border-neutral-300 bg-white px-2 py-1.5"
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
