"use client";

import { useEffect, useRef } from "react";

export interface SummaryError {
  /** Id of the input the error belongs to; the summary links to it. */
  fieldId: string;
  message: string;
}

export interface ErrorSummaryProps {
  title: string;
  errors: SummaryError[];
  /** Changes once per submission (pass the action state); the summary takes focus when it changes. */
  focusKey: unknown;
}

/**
 * Lists the problems above a form after a failed submission, each linked to
 * its field. It takes focus after each submission so that screen readers read
 * it and keyboard users start from it.
 */
export function ErrorSummary({ title, errors, focusKey }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  const hasErrors = errors.length > 0;

  useEffect(() => {
    if (hasErrors) ref.current?.focus();
  }, [focusKey, hasErrors]);

  if (errors.length === 0) return null;

  return (
    <div
      ref={ref}
      tabIndex={-1}
      aria-labelledby="error-summary-title"
      className="rounded-md border-2 border-red-700 bg-red-50 p-4"
    >
      <h2 id="error-summary-title" className="font-semibold text-red-800">
        {title}
      </h2>
      <ul className="mt-2 list-disc pl-5">
        {errors.map((error) => (
          <li key={`${error.fieldId}:${error.message}`}>
            <a href={`#${error.fieldId}`} className="text-red-800 underline">
              {error.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
