import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { verifyCredentials } from "./credentials";
import { registerMerchant, signUpMerchant, slugify } from "./sign-up";
import { createAccountLimiters } from "./throttle";
import { parseSignUp } from "./validation";

const PASSWORD = "long enough password";

describe("parseSignUp", () => {
  const valid = { shopName: "Blue Harbour", email: " Owner@Example.COM ", password: PASSWORD, confirmPassword: PASSWORD };

  it("accepts valid input and normalises the email", () => {
    expect(parseSignUp(valid)).toEqual({
      ok: true,
      value: { shopName: "Blue Harbour", email: "owner@example.com", password: PASSWORD },
    });
  });

  it.each([
    ["bad email", { email: "not-an-email" }, { email: "email_invalid" }],
    ["missing email", { email: undefined }, { email: "email_invalid" }],
    ["short password", { password: "short", confirmPassword: "short" }, { password: "password_too_short" }],
    ["password equal to email", { password: "owner@example.com", confirmPassword: "owner@example.com" }, { password: "password_same_as_email" }],
    ["mismatched confirmation", { confirmPassword: "something else entirely" }, { confirmPassword: "password_mismatch" }],
    ["one-letter shop name", { shopName: " B " }, { shopName: "shop_name_too_short" }],
    ["overlong shop name", { shopName: "x".repeat(81) }, { shopName: "shop_name_too_long" }],
  ])("rejects a %s", (_label, change, fieldErrors) => {
    expect(parseSignUp({ ...valid, ...change })).toEqual({ ok: false, fieldErrors });
  });

  it("reports every invalid field at once", () => {
    const result = parseSignUp({ shopName: "", email: "nope", password: "short" });

    expect(result).toEqual({
      ok: false,
      fieldErrors: { shopName: "shop_name_too_short", email: "email_invalid", password: "password_too_short" },
    });
  });

  it("counts characters, not UTF-16 units", () => {
    // Twelve Chinese characters meet the minimum, but eleven emoji (22 UTF-16 units) do not.
    expect(parseSignUp({ ...valid, password: "我的店铺密码非常安全可靠", confirmPassword: undefined }).ok).toBe(true);
    expect(parseSignUp({ ...valid, password: "😀".repeat(11), confirmPassword: undefined })).toEqual({
      ok: false,
      fieldErrors: { password: "password_too_short" },
    });
  });
});

describe("slugify", () => {
  it("makes URL-safe slugs", () => {
    expect(slugify("Blue Harbour & Co.")).toBe("blue-harbour-co");
    expect(slugify("Café Élan")).toBe("cafe-elan");
    expect(slugify("蓝色港湾")).toBe("shop");
  });
});

describe.each(testProviders())("accounts on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("sign-up creates a shop and its merchant user", async () => {
    const parsed = parseSignUp({ shopName: "Blue Harbour", email: "blue@example.com", password: PASSWORD });
    if (!parsed.ok) throw new Error("fixture input is invalid");

    const result = await registerMerchant(database.prisma, parsed.value);

    if (!result.ok) throw new Error(`sign-up failed: ${result.code}`);
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: "blue@example.com" }, include: { merchant: true } });
    expect(user.role).toBe("merchant");
    expect(user.merchant?.name).toBe("Blue Harbour");
    expect(user.merchant?.slug).toBe("blue-harbour");
    expect(user.passwordHash).toMatch(/^\$scrypt\$/);
    expect(result.value.user).toEqual({ id: user.id, email: "blue@example.com", name: null, role: "merchant", merchantId: user.merchantId });
  });

  it("sign-up rejects a duplicate email and leaves no extra shop", async () => {
    const merchantsBefore = await database.prisma.merchant.count();

    const result = await signUpMerchant(
      database.prisma,
      { shopName: "Copycat", email: "BLUE@example.com", password: PASSWORD },
      "192.0.2.10",
      createAccountLimiters(),
    );

    expect(result).toEqual({ ok: false, reason: "invalid", fieldErrors: { email: "email_taken" } });
    expect(await database.prisma.merchant.count()).toBe(merchantsBefore);
  });

  it("sign-up picks another slug when the shop name is taken", async () => {
    const result = await signUpMerchant(
      database.prisma,
      { shopName: "Blue Harbour", email: "second@example.com", password: PASSWORD },
      "192.0.2.11",
      createAccountLimiters(),
    );

    if (!result.ok) throw new Error(`sign-up failed: ${result.reason}`);
    expect(result.value.merchant.slug).toMatch(/^blue-harbour-[0-9a-f]{6}$/);
  });

  it("sign-up rejects invalid input without touching the database", async () => {
    const usersBefore = await database.prisma.user.count();

    const result = await signUpMerchant(
      database.prisma,
      { shopName: "Shop", email: "bad", password: "short" },
      "192.0.2.12",
      createAccountLimiters(),
    );

    expect(result).toEqual({ ok: false, reason: "invalid", fieldErrors: { email: "email_invalid", password: "password_too_short" } });
    expect(await database.prisma.user.count()).toBe(usersBefore);
  });

  it("sign-up is rate limited per address", async () => {
    const limiters = createAccountLimiters();
    const attempt = (index: number) =>
      signUpMerchant(database.prisma, { shopName: `Shop ${index}`, email: `limit${index}@example.com`, password: PASSWORD }, "192.0.2.13", limiters);

    for (let index = 0; index < 5; index++) expect((await attempt(index)).ok).toBe(true);
    const sixth = await attempt(5);

    expect(sixth.ok).toBe(false);
    expect(sixth).toMatchObject({ reason: "rate_limited" });
    expect(await database.prisma.user.count({ where: { email: "limit5@example.com" } })).toBe(0);
  });

  it("sign-in accepts the right password", async () => {
    const result = await verifyCredentials(database.prisma, { email: " Blue@Example.com", password: PASSWORD }, "192.0.2.20", createAccountLimiters());

    expect(result).toMatchObject({ ok: true, user: { email: "blue@example.com", role: "merchant" } });
  });

  it("sign-in gives the same answer for a wrong password and an unknown email", async () => {
    const limiters = createAccountLimiters();

    const wrongPassword = await verifyCredentials(database.prisma, { email: "blue@example.com", password: "wrong password!!" }, "192.0.2.21", limiters);
    const unknownEmail = await verifyCredentials(database.prisma, { email: "nobody@example.com", password: PASSWORD }, "192.0.2.21", limiters);
    const missing = await verifyCredentials(database.prisma, {}, "192.0.2.21", limiters);

    expect(wrongPassword).toEqual({ ok: false, reason: "invalid" });
    expect(unknownEmail).toEqual({ ok: false, reason: "invalid" });
    expect(missing).toEqual({ ok: false, reason: "invalid" });
  });

  it("sign-in is limited per email and address, and success resets that count", async () => {
    const limiters = createAccountLimiters();
    const attempt = (password: string, address = "192.0.2.30") =>
      verifyCredentials(database.prisma, { email: "blue@example.com", password }, address, limiters);

    for (let index = 0; index < 4; index++) expect((await attempt("wrong password!!")).ok).toBe(false);
    expect((await attempt(PASSWORD)).ok).toBe(true);

    for (let index = 0; index < 5; index++) await attempt("wrong password!!");
    const blocked = await attempt(PASSWORD);
    expect(blocked).toMatchObject({ ok: false, reason: "rate_limited" });

    // Another address is not affected by this email's count.
    expect((await attempt(PASSWORD, "192.0.2.31")).ok).toBe(true);
  });

  it("sign-in rejects a user whose shop was deleted", async () => {
    const parsed = parseSignUp({ shopName: "Closing Down", email: "closing@example.com", password: PASSWORD });
    if (!parsed.ok) throw new Error("fixture input is invalid");
    const registered = await registerMerchant(database.prisma, parsed.value);
    if (!registered.ok) throw new Error("fixture sign-up failed");
    await database.prisma.merchant.delete({ where: { id: registered.value.merchant.id } });

    const result = await verifyCredentials(database.prisma, { email: "closing@example.com", password: PASSWORD }, "192.0.2.40", createAccountLimiters());

    expect(result).toEqual({ ok: false, reason: "invalid" });
  });
});
