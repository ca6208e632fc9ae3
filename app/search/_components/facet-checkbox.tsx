"use client";

import { useOptimistic } from "react";

import { useSearchNavigation } from "./search-navigation";

interface FacetCheckboxProps {
  /** The facet's URL parameter, so the enclosing GET form also works without JavaScript. */
  name: string;
  value: string;
  label: string;
  count: number;
  checked: boolean;
  /** The /search URL with this value toggled. */
  href: string;
}

/** Renders one facet value as a checkbox that navigates to `href` when ticked or unticked. */
export function FacetCheckbox({ name, value, label, count, checked, href }: FacetCheckboxProps) {
  const { navigate } = useSearchNavigation();
  // Shows the new state at once, and the server's response replaces it when
  // the navigation finishes.
  const [shownChecked, setShownChecked] = useOptimistic(checked);

  return (
    <label className="flex cursor-pointer items-start gap-2 rounded px-1 py-1 text-sm hover:bg-neutral-100">
      <input
        type="checkbox"
        name={name}
        value={value}
        checked={shownChecked}
        onChange={() => navigate(href, () => setShownChecked(!checked))}
        className="mt-0.5 size-4 shrink-0"
      />
      <span className="min-w-0 flex-1 break-words">{label}</span>
      <span className="shrink-0 text-neutral-500 tabular-nums">{count}</span>
    </label>
  );
}
