"use client";

import { useId, useState } from "react";

interface FiltersDisclosureProps {
  buttonLabel: string;
  children: React.ReactNode;
}

/**
 * On small screens the facet sidebar hides behind a "Filters" button; from the
 * lg breakpoint on it is always shown and the button is hidden.
 */
export function FiltersDisclosure({ buttonLabel, children }: FiltersDisclosureProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();

  return (
    <div>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="mb-4 inline-flex items-center gap-2 rounded-full border border-neutral-300 px-4 py-2 text-sm font-medium hover:border-neutral-900 lg:hidden"
      >
        <svg viewBox="0 0 20 20" aria-hidden="true" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.8">
          <path d="M3 5h14M6 10h8M8.5 15h3" strokeLinecap="round" />
        </svg>
        {buttonLabel}
      </button>
      <div id={panelId} className={open ? "block" : "hidden lg:block"}>
        {children}
      </div>
    </div>
  );
}
