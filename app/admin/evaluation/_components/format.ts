/** Formats a fraction as a percentage with two decimals ("91.56 %"), or a dash when it was not measured. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return `${(value * 100).toFixed(2)} %`;
}

/** Formats a difference of fractions in percentage points with a sign ("+1.20 pp"). */
export function formatDifference(value: number | null): string {
  if (value === null) return "–";
  const points = value * 100;
  return `${points > 0 ? "+" : points < 0 ? "−" : "±"}${Math.abs(points).toFixed(2)} pp`;
}
