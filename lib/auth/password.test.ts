import { describe, expect, it } from "vitest";

import { DEFAULT_SCRYPT_PARAMETERS, hashPassword, passwordNeedsRehash, verifyPassword } from "./password";

/** Cheap parameters for tests that check the format, not the cost. */
const FAST = { logCost: 10, blockSize: 8, parallelism: 1 };

describe("password hashing", () => {
  it("verifies the right password with default parameters", async () => {
    const hash = await hashPassword("correct horse battery staple");

    expect(hash.startsWith("$scrypt$ln=17,r=8,p=1$")).toBe(true);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
  });

  it("rejects a wrong password", async () => {
    const hash = await hashPassword("correct horse battery staple", FAST);

    expect(await verifyPassword("correct horse battery stapler", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts each hash differently", async () => {
    const first = await hashPassword("same password here", FAST);
    const second = await hashPassword("same password here", FAST);

    expect(first).not.toBe(second);
    expect(await verifyPassword("same password here", first)).toBe(true);
    expect(await verifyPassword("same password here", second)).toBe(true);
  });

  it("treats composed and decomposed accents alike", async () => {
    const composed = "caf\u00e9 au lait s\u00e9same";
    const decomposed = "cafe\u0301 au lait se\u0301same";
    const hash = await hashPassword(composed, FAST);

    expect(await verifyPassword(decomposed, hash)).toBe(true);
  });

  it("returns false for malformed stored hashes", async () => {
    for (const stored of ["", "plaintext", "$scrypt$ln=17,r=8,p=1$abc", "$scrypt$ln=40,r=8,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5"]) {
      expect(await verifyPassword("anything at all", stored), stored).toBe(false);
    }
  });

  it("asks for a rehash below the default cost", async () => {
    const weak = await hashPassword("correct horse battery staple", FAST);

    expect(passwordNeedsRehash(weak)).toBe(true);
    expect(passwordNeedsRehash(weak, FAST)).toBe(false);
    expect(passwordNeedsRehash("garbage")).toBe(true);
    expect(DEFAULT_SCRYPT_PARAMETERS.logCost).toBeGreaterThanOrEqual(17);
  });
});
