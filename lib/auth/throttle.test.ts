import { describe, expect, it } from "vitest";

import { clientAddress, trustedProxyCount } from "./throttle";

describe("clientAddress", () => {
  it("takes the last X-Forwarded-For entry with one proxy", () => {
    const headers = new Headers({ "x-forwarded-for": "203.0.113.9, 198.51.100.7" });

    expect(clientAddress(headers, 1)).toBe("198.51.100.7");
  });

  it("skips the entries added by further trusted proxies", () => {
    const headers = new Headers({ "x-forwarded-for": "spoofed, 203.0.113.9, 10.0.0.2" });

    expect(clientAddress(headers, 2)).toBe("203.0.113.9");
  });

  it("treats zero proxies like one", () => {
    const headers = new Headers({ "x-forwarded-for": "127.0.0.1" });

    expect(clientAddress(headers, 0)).toBe("127.0.0.1");
  });

  it("falls back to X-Real-IP, then to unknown", () => {
    expect(clientAddress(new Headers({ "x-real-ip": "192.0.2.1" }), 1)).toBe("192.0.2.1");
    expect(clientAddress(new Headers(), 1)).toBe("unknown");
  });

  it("uses the first entry when the chain is shorter than the proxy count", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "192.0.2.1" }), 3)).toBe("192.0.2.1");
  });
});

describe("trustedProxyCount", () => {
  it("defaults to 1 and rejects nonsense", () => {
    const env = (values: Record<string, string>) => values as NodeJS.ProcessEnv;

    expect(trustedProxyCount(env({}))).toBe(1);
    expect(trustedProxyCount(env({ STYLELENS_TRUSTED_PROXIES: "2" }))).toBe(2);
    expect(() => trustedProxyCount(env({ STYLELENS_TRUSTED_PROXIES: "many" }))).toThrow(/Invalid STYLELENS_TRUSTED_PROXIES "many"/);
  });
});
