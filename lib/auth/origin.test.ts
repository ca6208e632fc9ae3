import { describe, expect, it } from "vitest";

import { checkRequestOrigin, rejectCrossSiteRequest } from "./origin";

function request(method: string, headers: Record<string, string>, url = "http://127.0.0.1:3000/api/account/products/1"): Request {
  return new Request(url, { method, headers });
}

describe("checkRequestOrigin", () => {
  it("allows a same-origin POST", () => {
    const result = checkRequestOrigin(request("POST", { origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }));

    expect(result).toEqual({ ok: true });
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("rejects a cross-site %s", (method) => {
    const result = checkRequestOrigin(request(method, { origin: "https://evil.example", host: "127.0.0.1:3000" }));

    expect(result.ok).toBe(false);
  });

  it("allows safe methods from anywhere", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      expect(checkRequestOrigin(request(method, { origin: "https://evil.example", host: "127.0.0.1:3000" }))).toEqual({ ok: true });
    }
  });

  it("compares the port too", () => {
    const result = checkRequestOrigin(request("POST", { origin: "http://127.0.0.1:4000", host: "127.0.0.1:3000" }));

    expect(result.ok).toBe(false);
  });

  it("uses X-Forwarded-Host behind a proxy", () => {
    const headers = { origin: "https://shop.example", host: "127.0.0.1:3000", "x-forwarded-host": "shop.example" };

    expect(checkRequestOrigin(request("POST", headers))).toEqual({ ok: true });
  });

  it("rejects the null origin", () => {
    const result = checkRequestOrigin(request("POST", { origin: "null", host: "127.0.0.1:3000" }));

    expect(result).toEqual({ ok: false, reason: 'the Origin header is "null"' });
  });

  it("rejects a cross-site Sec-Fetch-Site without Origin", () => {
    expect(checkRequestOrigin(request("POST", { "sec-fetch-site": "cross-site" })).ok).toBe(false);
    expect(checkRequestOrigin(request("POST", { "sec-fetch-site": "same-site" })).ok).toBe(false);
    expect(checkRequestOrigin(request("POST", { "sec-fetch-site": "same-origin" })).ok).toBe(true);
  });

  it("allows a request without Origin or Sec-Fetch-Site", () => {
    expect(checkRequestOrigin(request("POST", {}))).toEqual({ ok: true });
  });
});

describe("rejectCrossSiteRequest", () => {
  it("answers 403 with a JSON error", async () => {
    const response = rejectCrossSiteRequest(
      request("DELETE", { origin: "https://evil.example", host: "127.0.0.1:3000" }),
      "req-1",
    );

    expect(response?.status).toBe(403);
    expect(response?.headers.get("x-request-id")).toBe("req-1");
    const body = await response?.json();
    expect(body.error.code).toBe("cross_site_request");
    expect(body.error.message).toContain("evil.example does not match host 127.0.0.1:3000");
  });

  it("returns undefined for a same-origin request", () => {
    const response = rejectCrossSiteRequest(
      request("DELETE", { origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }),
      "req-2",
    );

    expect(response).toBeUndefined();
  });
});
