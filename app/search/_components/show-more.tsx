"use client";

import { useId, useState } from "react";

interface ShowMoreProps {
  /** Button text while the extra content is hidden. */
  showLabel: string;
  /** Button text while it is shown. */
  hideLabel: string;
  /** Starts open, for example when a selected value is inside. */
  initiallyOpen: boolean;
  children: React.ReactNode;
}

/**
 * Hides the long tail of a facet's values behind a disclosure button. The
 * open state lives here rather than in the URL, so ticking a value inside
 * keeps the list open across the navigation that follows.
 */
export function ShowMore({ showLabel, hideLabel, initiallyOpen, children }: ShowMoreProps) {
  const [open, setOpen] = useState(initiallyOpen);
  const panelId = useId();

  return (
    <>
      <div id={panelId} hidden={!open}>
        {children}
      </div>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="mt-1 px-1 text-sm font-medium text-teal-800 underline-offset-2 hover:underline"
      >
        {open ? hideLabel : showLabel}
      </button>
    </>
  );
}
