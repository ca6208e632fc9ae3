/**
 * A confusion matrix drawn as a heat map with table cells: the cell colour
 * scales with the share of the row's images, so rows of rare categories stay
 * readable beside common ones.
 */
export function ConfusionHeatMap({ labels, matrix, caption }: { labels: string[]; matrix: number[][]; caption: string }) {
  return (
    <div className="overflow-x-auto" data-testid="confusion-heat-map">
      <table className="border-collapse text-xs">
        <caption className="pb-2 text-left text-sm text-neutral-600">{caption}</caption>
        <thead>
          <tr>
            <th />
            {labels.map((label) => (
              <th key={label} className="h-24 p-1 align-bottom font-normal">
                <span className="inline-block origin-bottom-left -rotate-45 whitespace-nowrap">{label}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => {
            const total = row.reduce((sum, value) => sum + value, 0);
            return (
              <tr key={labels[i]}>
                <th className="pr-2 text-right font-normal whitespace-nowrap">{labels[i]}</th>
                {row.map((value, j) => {
                  const share = total === 0 ? 0 : value / total;
                  return (
                    <td
                      key={labels[j]}
                      title={`${labels[i]} → ${labels[j]}: ${value}`}
                      className="h-8 w-8 border border-white text-center tabular-nums"
                      style={{ backgroundColor: `rgba(79, 70, 229, ${share.toFixed(3)})`, color: share > 0.5 ? "white" : "black" }}
                    >
                      {value}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
