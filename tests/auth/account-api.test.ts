/**
 * The /api/account route handlers, called directly with crafted requests and
 * real session cookies: role checks (401/403), tenancy (404 for another
 * shop's product), the origin check and the sign-up API.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { DELETE, GET as getProduct, PATCH } from "@/app/api/account/products/[id]/route";
import { GET as listProducts } from "@/app/api/account/products/route";
import { POST as signUp } from "@/app/api/account/sign-up/route";
import { GET as listUsers } from "@/app/api/account/users/route";
import { hashPassword } from "@/lib/auth/password";
import { closeDatabase } from "@/lib/db/client";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { pageRequest, sessionCookie, TEST_AUTH_SECRET } from "./session-cookie";

const noParams = { params: Promise.resolve({}) };
const productParams = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });

describe.each(testProviders())("account API on %s", (provider) => {
  let database: TestDatabase;
  const cookies = { alice: "", bob: "", admin: "", ghost: "" };
  const ids = { aliceProduct: 0, bobProduct: 0 };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    vi.stubEnv("DATABASE_URL", database.config.url);
    vi.stubEnv("AUTH_SECRET", TEST_AUTH_SECRET);
    await closeDatabase();

    const prisma = database.prisma;
    const passwordHash = await hashPassword("irrelevant password", { logCost: 10, blockSize: 8, parallelism: 1 });
    const shopA = await prisma.merchant.create({ data: { slug: "alice", name: "Alice" } });
    const shopB = await prisma.merchant.create({ data: { slug: "bob", name: "Bob" } });
    const alice = await prisma.user.create({ data: { email: "alice@example.com", passwordHash, merchantId: shopA.id } });
    const bob = await prisma.user.create({ data: { email: "bob@example.com", passwordHash, merchantId: shopB.id } });
    const admin = await prisma.user.create({ data: { email: "admin@example.com", passwordHash, role: "admin" } });
    ids.aliceProduct = (await prisma.product.create({ data: { merchantId: shopA.id, sku: "A1", title: "Alice shirt" } })).id;
    ids.bobProduct = (await prisma.product.create({ data: { merchantId: shopB.id, sku: "B1", title: "Bob shirt" } })).id;

    cookies.alice = await sessionCookie(alice.id);
    cookies.bob = await sessionCookie(bob.id);
    cookies.admin = await sessionCookie(admin.id);
    cookies.ghost = await sessionCookie("no-such-user");
  });

  afterAll(async () => {
    await closeDatabase();
    vi.unstubAllEnvs();
    await database?.drop();
  });

  describe("role checks", () => {
    it("answers 401 to an anonymous request on merchant and admin APIs", async () => {
      const responses = [
        await listProducts(pageRequest("/api/account/products"), noParams),
        await getProduct(pageRequest(`/api/account/products/${ids.aliceProduct}`), productParams(ids.aliceProduct)),
        await PATCH(pageRequest(`/api/account/products/${ids.aliceProduct}`, { method: "PATCH", body: { status: "draft" } }), productParams(ids.aliceProduct)),
        await DELETE(pageRequest(`/api/account/products/${ids.aliceProduct}`, { method: "DELETE" }), productParams(ids.aliceProduct)),
        await listUsers(pageRequest("/api/account/users"), noParams),
      ];

      for (const response of responses) {
        expect(response.status).toBe(401);
        expect((await response.json()).error.code).toBe("unauthenticated");
      }
    });

    it("answers 401 to a cookie that is forged or names a missing user", async () => {
      const forged = await sessionCookie("irrelevant", "another-secret-that-is-long-enough-too");

      expect((await listProducts(pageRequest("/api/account/products", { cookie: forged }), noParams)).status).toBe(401);
      expect((await listProducts(pageRequest("/api/account/products", { cookie: cookies.ghost }), noParams)).status).toBe(401);
      expect((await listProducts(pageRequest("/api/account/products", { cookie: "authjs.session-token=garbage" }), noParams)).status).toBe(401);
    });

    it("answers 403 to a merchant on an admin API", async () => {
      const response = await listUsers(pageRequest("/api/account/users", { cookie: cookies.alice }), noParams);

      expect(response.status).toBe(403);
      const body = await response.json();
      expect(body.error.code).toBe("forbidden");
      expect(body.error.message).toBe("This endpoint requires the admin role, but you are signed in as merchant.");
    });

    it("lets an admin list users", async () => {
      const response = await listUsers(pageRequest("/api/account/users", { cookie: cookies.admin }), noParams);

      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.users.map((user: { email: string }) => user.email).sort()).toEqual([
        "admin@example.com",
        "alice@example.com",
        "bob@example.com",
      ]);
      expect(JSON.stringify(body)).not.toContain("passwordHash");
    });

    it("applies a role change on the next request", async () => {
      await database.prisma.user.update({ where: { email: "bob@example.com" }, data: { role: "admin" } });
      const asAdmin = await listUsers(pageRequest("/api/account/users", { cookie: cookies.bob }), noParams);
      await database.prisma.user.update({ where: { email: "bob@example.com" }, data: { role: "merchant" } });
      const asMerchant = await listUsers(pageRequest("/api/account/users", { cookie: cookies.bob }), noParams);

      expect(asAdmin.status).toBe(200);
      expect(asMerchant.status).toBe(403);
    });
  });

  describe("tenancy", () => {
    it("lists only the merchant's own products", async () => {
      const response = await listProducts(pageRequest("/api/account/products", { cookie: cookies.alice }), noParams);

      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.products.map((product: { sku: string }) => product.sku)).toEqual(["A1"]);
    });

    it("answers 404 for another merchant's product, as for a missing one", async () => {
      const other = await getProduct(pageRequest(`/api/account/products/${ids.bobProduct}`, { cookie: cookies.alice }), productParams(ids.bobProduct));
      const missing = await getProduct(pageRequest("/api/account/products/999999", { cookie: cookies.alice }), productParams(999999));

      expect(other.status).toBe(404);
      expect(missing.status).toBe(404);
      expect((await other.json()).error).toEqual({ code: "not_found", message: `Product ${ids.bobProduct} was not found.` });
    });

    it("does not let a merchant change or delete another merchant's product", async () => {
      const patch = await PATCH(
        pageRequest(`/api/account/products/${ids.bobProduct}`, { method: "PATCH", cookie: cookies.alice, body: { title: "Hijacked" } }),
        productParams(ids.bobProduct),
      );
      const remove = await DELETE(
        pageRequest(`/api/account/products/${ids.bobProduct}`, { method: "DELETE", cookie: cookies.alice }),
        productParams(ids.bobProduct),
      );

      expect(patch.status).toBe(404);
      expect(remove.status).toBe(404);
      const stored = await database.prisma.product.findUniqueOrThrow({ where: { id: ids.bobProduct } });
      expect(stored).toMatchObject({ title: "Bob shirt", status: "published" });
    });

    it("lets a merchant change their own product", async () => {
      const response = await PATCH(
        pageRequest(`/api/account/products/${ids.aliceProduct}`, { method: "PATCH", cookie: cookies.alice, body: { status: "draft" } }),
        productParams(ids.aliceProduct),
      );

      expect(response.status).toBe(200);
      expect((await response.json()).product).toMatchObject({ id: ids.aliceProduct, status: "draft" });
    });

    it("validates the change", async () => {
      const cases = [
        { body: {}, status: 422 },
        { body: { status: "deleted" }, status: 422 },
        { body: { title: "  " }, status: 422 },
        { body: { owner: "bob" }, status: 422 },
        { body: ["draft"], status: 400 },
      ];
      for (const { body, status } of cases) {
        const response = await PATCH(
          pageRequest(`/api/account/products/${ids.aliceProduct}`, { method: "PATCH", cookie: cookies.alice, body }),
          productParams(ids.aliceProduct),
        );
        expect(response.status, JSON.stringify(body)).toBe(status);
      }
    });

    it("lets an admin read any shop's product", async () => {
      const response = await getProduct(pageRequest(`/api/account/products/${ids.bobProduct}`, { cookie: cookies.admin }), productParams(ids.bobProduct));

      expect(response.status).toBe(200);
    });
  });

  describe("origin check", () => {
    it("rejects a cross-site PATCH before looking at the session", async () => {
      const response = await PATCH(
        pageRequest(`/api/account/products/${ids.aliceProduct}`, {
          method: "PATCH",
          cookie: cookies.alice,
          body: { title: "Forged" },
          headers: { origin: "https://evil.example" },
        }),
        productParams(ids.aliceProduct),
      );

      expect(response.status).toBe(403);
      expect((await response.json()).error.code).toBe("cross_site_request");
      const stored = await database.prisma.product.findUniqueOrThrow({ where: { id: ids.aliceProduct } });
      expect(stored.title).toBe("Alice shirt");
    });

    it("rejects a cross-site DELETE", async () => {
      const response = await DELETE(
        pageRequest(`/api/account/products/${ids.aliceProduct}`, { method: "DELETE", cookie: cookies.alice, headers: { origin: "https://evil.example" } }),
        productParams(ids.aliceProduct),
      );

      expect(response.status).toBe(403);
    });
  });

  describe("sign-up API", () => {
    // Each test uses its own address so the per-address sign-up limit of one test does not affect another.
    const from = (address: string) => ({ "x-forwarded-for": address });

    it("creates a merchant", async () => {
      const response = await signUp(
        pageRequest("/api/account/sign-up", {
          method: "POST",
          body: { shopName: "Carol's Closet", email: "Carol@Example.com", password: "a long enough password" },
          headers: from(`198.51.100.1-${provider}`),
        }),
      );

      expect(response.status).toBe(201);
      const body = await response.json();
      expect(body.user).toMatchObject({ email: "carol@example.com", role: "merchant" });
      expect(body.merchant).toMatchObject({ slug: "carol-s-closet", name: "Carol's Closet" });
    });

    it("answers 409 for a duplicate email", async () => {
      const response = await signUp(
        pageRequest("/api/account/sign-up", {
          method: "POST",
          body: { shopName: "Again", email: "alice@example.com", password: "a long enough password" },
          headers: from(`198.51.100.2-${provider}`),
        }),
      );

      expect(response.status).toBe(409);
      const body = await response.json();
      expect(body.error.code).toBe("email_taken");
      expect(body.error.message).toBe("An account with this email already exists. Sign in instead.");
    });

    it("answers 422 with the issues for invalid input", async () => {
      const response = await signUp(
        pageRequest("/api/account/sign-up", {
          method: "POST",
          body: { shopName: "Shop", email: "not-an-email", password: "short" },
          headers: from(`198.51.100.3-${provider}`),
        }),
      );

      expect(response.status).toBe(422);
      const body = await response.json();
      expect(body.error.issues).toEqual([
        { field: "email", code: "email_invalid", message: "Enter a valid email address, like name@example.com." },
        { field: "password", code: "password_too_short", message: "The password must be at least 12 characters long." },
      ]);
    });

    it("answers 400 for a body that is not JSON", async () => {
      const request = new Request("http://127.0.0.1:3000/api/account/sign-up", {
        method: "POST",
        headers: { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", "content-type": "application/json" },
        body: "shopName=x",
      });

      const response = await signUp(request);

      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_body");
    });

    it("rejects a cross-site sign-up", async () => {
      const response = await signUp(
        pageRequest("/api/account/sign-up", {
          method: "POST",
          body: { shopName: "Shop", email: "x@example.com", password: "a long enough password" },
          headers: { origin: "https://evil.example" },
        }),
      );

      expect(response.status).toBe(403);
    });

    it("answers 429 with Retry-After once an address has used its sign-ups", async () => {
      const address = `198.51.100.4-${provider}`;
      const attempt = (index: number) =>
        signUp(
          pageRequest("/api/account/sign-up", {
            method: "POST",
            body: { shopName: `Shop ${index}`, email: `many${index}-${provider}@example.com`, password: "a long enough password" },
            headers: from(address),
          }),
        );

      for (let index = 0; index < 5; index++) expect((await attempt(index)).status).toBe(201);
      const response = await attempt(5);

      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(3500);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      const body = await response.json();
      expect(body.error.code).toBe("rate_limited");
      expect(body.error.message).toBe("Too many sign-ups from this address. Try again in 60 minutes.");
    });
  });
});
