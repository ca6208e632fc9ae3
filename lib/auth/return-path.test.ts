import { describe, expect, it } from "vitest";

import { safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it("keeps paths on this site", () => {
    expect(safeReturnPath("/merchant")).toBe("/merchant");
    expect(safeReturnPath("/search?q=shirt#results")).toBe("/search?q=shirt#results");
  });

  it.each([
    ["protocol-relative", "//evil.example/x"],
    ["backslash", "/\\evil.example"],
    ["tab", "/\t/evil.example"],
    ["absolute URL", "https://evil.example/"],
    ["relative path", "merchant"],
    ["javascript URL", "javascript:alert(1)"],
  ])("falls back for a %s", (_label, value) => {
    expect(safeReturnPath(value, "/fallback")).toBe("/fallback");
  });

  it("falls back for non-strings", () => {
    expect(safeReturnPath(undefined)).toBe("/");
    expect(safeReturnPath(["/merchant"])).toBe("/");
  });
});
