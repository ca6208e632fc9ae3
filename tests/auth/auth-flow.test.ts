/**
 * The real Auth.js endpoints (lib/auth/config.ts through auth.ts) driven with
 * crafted requests: CSRF token, credentials sign-in, the session cookie used
 * by our API, /api/auth/session, failure codes and the sign-in rate limit.
 *
 * NOTE: next-auth imports "next/server" without a file extension, which
 * Node's resolver rejects outside Next.js. This file needs
 * `server: { deps: { inline: ["next-auth"] } }` in vitest.config.ts so that
 * Vitest resolves next-auth's imports itself. Without it, importing @/auth
 * fails with "Cannot find module .../next/server".
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { GET as listProducts } from "@/app/api/account/products/route";
import { handlers } from "@/auth";
import { registerMerchant } from "@/lib/auth/sign-up";
import { closeDatabase } from "@/lib/db/client";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { TEST_AUTH_SECRET } from "./session-cookie";

const BASE = "http://127.0.0.1:3000";
const PASSWORD = "a long enough password";

function cookiePairs(response: Response): string[] {
  return response.headers.getSetCookie().map((cookie) => cookie.split(";")[0] as string);
}

async function signInThroughAuthJs(email: string, password: string, address: string): Promise<Response> {
  const csrf = await handlers.GET(new NextRequest(`${BASE}/api/auth/csrf`, { headers: { host: "127.0.0.1:3000" } }));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };

  return handlers.POST(
    new NextRequest(`${BASE}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        host: "127.0.0.1:3000",
        origin: BASE,
        cookie: cookiePairs(csrf).join("; "),
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-for": address,
      },
      body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/merchant" }),
    }),
  );
}

function sessionCookieOf(response: Response): string | undefined {
  return cookiePairs(response).find((cookie) => cookie.startsWith("authjs.session-token="));
}

describe.each(testProviders())("Auth.js sign-in on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    vi.stubEnv("DATABASE_URL", database.config.url);
    vi.stubEnv("AUTH_SECRET", TEST_AUTH_SECRET);
    await closeDatabase();

    const registered = await registerMerchant(database.prisma, { shopName: "Flow Shop", email: "flow@example.com", password: PASSWORD });
    if (!registered.ok) throw new Error("fixture sign-up failed");
  });

  afterAll(async () => {
    await closeDatabase();
    vi.unstubAllEnvs();
    await database?.drop();
  });

  it("issues a session cookie that our API and /api/auth/session accept", async () => {
    const response = await signInThroughAuthJs("flow@example.com", PASSWORD, `203.0.113.1-${provider}`);

    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location") as string).pathname).toBe("/merchant");
    const cookie = sessionCookieOf(response);
    expect(cookie).toBeDefined();

    const api = await listProducts(new Request(`${BASE}/api/account/products`, { headers: { host: "127.0.0.1:3000", cookie: cookie as string } }), {
      params: Promise.resolve({}),
    });
    expect(api.status).toBe(200);

    const session = await handlers.GET(new NextRequest(`${BASE}/api/auth/session`, { headers: { host: "127.0.0.1:3000", cookie: cookie as string } }));
    const body = await session.json();
    expect(body.user).toMatchObject({ email: "flow@example.com", role: "merchant" });
    expect(typeof body.user.merchantId).toBe("number");
  });

  it("sends a wrong password back to the sign-in page with a generic code", async () => {
    const response = await signInThroughAuthJs("flow@example.com", "not the password", `203.0.113.2-${provider}`);

    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") as string);
    expect(location.pathname).toBe("/sign-in");
    expect(location.searchParams.get("error")).toBe("CredentialsSignin");
    expect(location.searchParams.get("code")).toBe("invalid_credentials");
    expect(sessionCookieOf(response)).toBeUndefined();
  });

  it("reports the rate limit after five failures from one address", async () => {
    const address = `203.0.113.3-${provider}`;
    for (let attempt = 0; attempt < 5; attempt++) await signInThroughAuthJs("flow@example.com", "not the password", address);

    const response = await signInThroughAuthJs("flow@example.com", PASSWORD, address);

    const location = new URL(response.headers.get("location") as string);
    expect(location.searchParams.get("code")).toBe("rate_limited");
    expect(sessionCookieOf(response)).toBeUndefined();
  });

  it("ends the session once the user is deleted", async () => {
    await registerMerchant(database.prisma, { shopName: "Short Lived", email: "gone@example.com", password: PASSWORD });
    const cookie = sessionCookieOf(await signInThroughAuthJs("gone@example.com", PASSWORD, `203.0.113.4-${provider}`)) as string;
    await database.prisma.user.delete({ where: { email: "gone@example.com" } });

    const session = await handlers.GET(new NextRequest(`${BASE}/api/auth/session`, { headers: { host: "127.0.0.1:3000", cookie } }));

    expect(await session.json()).toBeNull();
  });
});
