/**
 * Authorisation of the merchant upload and review APIs, called as route
 * handlers with real session cookies. Anonymous shoppers get 401 and
 * merchants get 403 on admin routes. A merchant gets 404 for another
 * merchant's uploads, reports, jobs and products, as for ids that do not
 * exist.
 */
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as listUsers } from "@/app/api/account/users/route";
import { GET as getJob } from "@/app/api/merchant/jobs/[id]/route";
import { GET as getTags, PUT as putTags } from "@/app/api/merchant/products/[id]/tags/route";
import { GET as getReport } from "@/app/api/merchant/uploads/[id]/report/route";
import { DELETE as deleteUpload, GET as getUpload } from "@/app/api/merchant/uploads/[id]/route";
import { GET as listUploads, POST as postUpload } from "@/app/api/merchant/uploads/route";
import { GET as getTemplate } from "@/app/api/merchant/uploads/template/route";
import { UPLOADS_PER_MERCHANT, uploadLimiter } from "@/lib/uploads/rate-limit";
import { testProviders } from "@/tests/helpers/databases";

import { createUploadTestEnvironment, type TestAccount, type UploadTestEnvironment } from "./support/environment";
import { jpeg } from "./support/images";
import { getRequest, jsonRequest, uploadRequest } from "./support/requests";

const noParams = { params: Promise.resolve({}) };
const idParams = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });

describe.each(testProviders())("merchant API authorisation on %s", (provider) => {
  let env: UploadTestEnvironment;
  let alice: TestAccount;
  let bob: TestAccount;
  let admin: TestAccount;
  const ids = { batch: 0, job: 0, product: 0 };

  beforeAll(async () => {
    env = await createUploadTestEnvironment(provider);
    alice = await env.createMerchant("alice");
    bob = await env.createMerchant("bob");
    admin = await env.createAdmin("admin@example.com");

    const response = await env.upload(alice, {
      catalogue: { name: "alice.csv", data: "sku,title\nA-1,Alice Women Red Dress\n" },
      images: [{ name: "A-1.jpg", data: await jpeg() }],
    });
    const body = await response.json();
    ids.batch = body.batchId;
    ids.job = body.jobId;
    await env.runImports();
    ids.product = (await env.database.prisma.product.findFirstOrThrow({ where: { sku: "A-1" } })).id;
  });

  afterAll(async () => {
    await env?.teardown();
  });

  /** Returns a call of every merchant endpoint with `cookie` (none for an anonymous shopper). */
  function callEverything(cookie: string | undefined) {
    return {
      "POST uploads": () => postUpload(uploadRequest({ cookie }), noParams),
      "GET uploads": () => listUploads(getRequest("/api/merchant/uploads", cookie), noParams),
      "GET template": () => getTemplate(getRequest("/api/merchant/uploads/template", cookie), noParams),
      "GET upload": () => getUpload(getRequest(`/api/merchant/uploads/${ids.batch}`, cookie), idParams(ids.batch)),
      "DELETE upload": () => deleteUpload(getRequest(`/api/merchant/uploads/${ids.batch}`, cookie, "DELETE"), idParams(ids.batch)),
      "GET report": () => getReport(getRequest(`/api/merchant/uploads/${ids.batch}/report`, cookie), idParams(ids.batch)),
      "GET job": () => getJob(getRequest(`/api/merchant/jobs/${ids.job}`, cookie), idParams(ids.job)),
      "GET tags": () => getTags(getRequest(`/api/merchant/products/${ids.product}/tags`, cookie), idParams(ids.product)),
      "PUT tags": () => putTags(jsonRequest(`/api/merchant/products/${ids.product}/tags`, "PUT", { colour: "Green" }, cookie), idParams(ids.product)),
    };
  }

  it("answers 401 to an anonymous shopper on every merchant endpoint", async () => {
    for (const [name, call] of Object.entries(callEverything(undefined))) {
      const response = await call();
      expect(response.status, name).toBe(401);
      expect((await response.json()).error.code, name).toBe("unauthenticated");
    }
  });

  it("answers 403 to a merchant on an admin endpoint", async () => {
    const response = await listUsers(getRequest("/api/account/users", alice.cookie), noParams);

    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe("forbidden");
  });

  it("answers 403 to an admin posting an upload, which needs a shop", async () => {
    const response = await postUpload(uploadRequest({ cookie: admin.cookie }), noParams);

    expect(response.status).toBe(403);
  });

  it("answers 404 to another merchant for the upload, report, job and product", async () => {
    const calls = callEverything(bob.cookie);
    for (const name of ["GET upload", "DELETE upload", "GET report", "GET job", "GET tags", "PUT tags"] as const) {
      const response = await calls[name]();
      expect(response.status, name).toBe(404);
      expect((await response.json()).error.code, name).toBe("not_found");
    }

    expect(await env.database.prisma.importBatch.count({ where: { id: ids.batch } })).toBe(1);
    const product = await env.database.prisma.product.findUniqueOrThrow({ where: { id: ids.product } });
    expect(product.colour).toBeNull();
  });

  it("answers 404 for missing ids", async () => {
    const missing = 999_999;
    const responses = [
      await getUpload(getRequest(`/api/merchant/uploads/${missing}`, alice.cookie), idParams(missing)),
      await getReport(getRequest(`/api/merchant/uploads/${missing}/report`, alice.cookie), idParams(missing)),
      await getJob(getRequest(`/api/merchant/jobs/${missing}`, alice.cookie), idParams(missing)),
      await getTags(getRequest(`/api/merchant/products/not-a-number/tags`, alice.cookie), idParams("not-a-number")),
    ];
    for (const response of responses) expect(response.status).toBe(404);
  });

  it("lists only the merchant's own uploads", async () => {
    const asBob = await (await listUploads(getRequest("/api/merchant/uploads", bob.cookie), noParams)).json();
    const asAlice = await (await listUploads(getRequest("/api/merchant/uploads", alice.cookie), noParams)).json();

    expect(asBob.uploads).toEqual([]);
    expect(asAlice.uploads.map((upload: { id: number }) => upload.id)).toEqual([ids.batch]);
  });

  it("lets owner and admin read", async () => {
    for (const account of [alice, admin]) {
      expect((await getUpload(getRequest(`/api/merchant/uploads/${ids.batch}`, account.cookie), idParams(ids.batch))).status).toBe(200);
      expect((await getReport(getRequest(`/api/merchant/uploads/${ids.batch}/report`, account.cookie), idParams(ids.batch))).status).toBe(200);
      expect((await getJob(getRequest(`/api/merchant/jobs/${ids.job}`, account.cookie), idParams(ids.job))).status).toBe(200);
    }
  });

  it("rejects cross-site uploads and tag changes with 403", async () => {
    const upload = await postUpload(uploadRequest({ cookie: alice.cookie, headers: { origin: "https://evil.example" } }), noParams);
    const tags = putTags(
      new Request(`http://127.0.0.1:3000/api/merchant/products/${ids.product}/tags`, {
        method: "PUT",
        headers: { host: "127.0.0.1:3000", origin: "https://evil.example", cookie: alice.cookie, "content-type": "application/json" },
        body: JSON.stringify({ colour: "Green" }),
      }),
      idParams(ids.product),
    );

    expect(upload.status).toBe(403);
    expect((await upload.json()).error.code).toBe("cross_site_request");
    expect((await tags).status).toBe(403);
  });

  it("rate-limits uploads per merchant", async () => {
    const key = String(bob.merchantId);
    uploadLimiter().reset(key);
    for (let index = 0; index < UPLOADS_PER_MERCHANT.limit; index += 1) uploadLimiter().consume(key);

    const response = await postUpload(uploadRequest({ cookie: bob.cookie }), noParams);

    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await response.json()).error.code).toBe("rate_limited");
    uploadLimiter().reset(key);
  });

  it("refuses a new upload while too many are importing", async () => {
    const merchantId = bob.merchantId as number;
    await env.database.prisma.importBatch.createMany({
      data: Array.from({ length: 3 }, (_, index) => ({ merchantId, source: "upload", status: "queued", location: `uploads/fake-${index}` })),
    });

    const response = await postUpload(uploadRequest({ cookie: bob.cookie }), noParams);

    expect(response.status).toBe(429);
    expect((await response.json()).error.code).toBe("too_many_active_uploads");
    await env.database.prisma.importBatch.deleteMany({ where: { merchantId } });
  });

  it("lets the owner delete a finished upload and keeps its products", async () => {
    const batch = await env.database.prisma.importBatch.findUniqueOrThrow({ where: { id: ids.batch } });
    const folder = path.join(env.dataDir, batch.location);
    expect(fs.existsSync(folder)).toBe(true);

    const response = await deleteUpload(getRequest(`/api/merchant/uploads/${ids.batch}`, alice.cookie, "DELETE"), idParams(ids.batch));

    expect(response.status).toBe(204);
    expect(fs.existsSync(folder)).toBe(false);
    expect(await env.database.prisma.importBatch.count({ where: { id: ids.batch } })).toBe(0);
    expect(await env.database.prisma.importRowOutcome.count({ where: { batchId: ids.batch } })).toBe(0);
    expect(await env.database.prisma.job.count({ where: { id: ids.job } })).toBe(0);
    expect(await env.database.prisma.product.count({ where: { id: ids.product } })).toBe(1);
    expect((await getUpload(getRequest(`/api/merchant/uploads/${ids.batch}`, alice.cookie), idParams(ids.batch))).status).toBe(404);
  });
});
