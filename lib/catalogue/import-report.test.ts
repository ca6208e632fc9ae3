import { describe, expect, it } from "vitest";

import { mapWithConcurrency } from "./concurrency";
import { formatCell } from "./import-report";

describe("formatCell", () => {
  it.each([
    ["plain", "plain"],
    ["=SUM(A1:A2)", "'=SUM(A1:A2)"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@cmd", "'@cmd"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["=1,2", `"'=1,2"`],
    ["two\nlines", '"two\nlines"'],
  ])("formats %j as %j", (value, expected) => {
    expect(formatCell(value)).toBe(expected);
  });
});

describe("mapWithConcurrency", () => {
  it("keeps order and the in-flight limit", async () => {
    let inFlight = 0;
    let maxInFlight = 0;

    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (value) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, value));
      inFlight -= 1;
      return value * 10;
    });

    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(maxInFlight).toBe(2);
  });

  it("rejects with the first error", async () => {
    await expect(
      mapWithConcurrency([1, 2, 3], 2, async (value) => {
        if (value === 2) throw new Error("two failed");
        return value;
      }),
    ).rejects.toThrow("two failed");
  });
});
