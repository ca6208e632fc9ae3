/**
 * The admin evaluation API called as route handlers with session cookies:
 * authorisation (anonymous 401, merchant 403, admin 200), start validation,
 * and a started run carried to "done" by the worker loop with a fake
 * evaluation command.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { GET as getRun } from "@/app/api/admin/evaluations/[id]/route";
import { GET as compareRuns } from "@/app/api/admin/evaluations/compare/route";
import { GET as listRuns, POST as startRun } from "@/app/api/admin/evaluations/route";
import { hashPassword } from "@/lib/auth/password";
import { closeDatabase, getDatabase, type Database } from "@/lib/db/client";
import { storeEvaluationReport } from "@/lib/evaluation/runs";
import { runEvaluationWorker } from "@/lib/evaluation/worker";
import { pageRequest, sessionCookie, TEST_AUTH_SECRET } from "@/tests/auth/session-cookie";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { sampleReport } from "./report-fixture";

const noParams = { params: Promise.resolve({}) };
const idParams = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });

describe.each(testProviders())("admin evaluation API on %s", (provider) => {
  let testDatabase: TestDatabase;
  let database: Database;
  let root: string;
  let datasetFolder: string;
  const cookies = { admin: "", merchant: "" };
  let doneRunId = 0;

  beforeAll(async () => {
    testDatabase = await createTestDatabase(provider);
    root = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-evaluation-api-"));
    datasetFolder = path.join(root, "catalogue");
    fs.mkdirSync(path.join(datasetFolder, "images"), { recursive: true });
    fs.writeFileSync(path.join(datasetFolder, "styles.csv"), "id,masterCategory\n");
    fs.mkdirSync(path.join(root, "models", "fusion-test"), { recursive: true });
    fs.writeFileSync(path.join(root, "models", "fusion-test", "fusion-model.json"), "{}");

    vi.stubEnv("DATABASE_URL", testDatabase.config.url);
    vi.stubEnv("AUTH_SECRET", TEST_AUTH_SECRET);
    vi.stubEnv("STYLELENS_MODELS_DIR", path.join(root, "models"));
    await closeDatabase();
    database = getDatabase();

    const passwordHash = await hashPassword("irrelevant password", { logCost: 10, blockSize: 8, parallelism: 1 });
    const admin = await database.prisma.user.create({ data: { email: "admin@example.com", passwordHash, role: "admin" } });
    const merchant = await database.prisma.merchant.create({ data: { slug: "shop", name: "Shop" } });
    const merchantUser = await database.prisma.user.create({ data: { email: "shop@example.com", passwordHash, merchantId: merchant.id } });
    cookies.admin = await sessionCookie(admin.id);
    cookies.merchant = await sessionCookie(merchantUser.id);
    doneRunId = (await storeEvaluationReport(database.prisma, sampleReport())).id;
  });

  afterAll(async () => {
    await closeDatabase();
    vi.unstubAllEnvs();
    await testDatabase?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function callEverything(cookie: string | undefined) {
    return {
      "GET list": () => listRuns(pageRequest("/api/admin/evaluations", { cookie }), noParams),
      "POST start": () => startRun(pageRequest("/api/admin/evaluations", { method: "POST", cookie, body: { dataset: datasetFolder } }), noParams),
      "GET run": () => getRun(pageRequest(`/api/admin/evaluations/${doneRunId}`, { cookie }), idParams(doneRunId)),
      "GET compare": () => compareRuns(pageRequest(`/api/admin/evaluations/compare?a=${doneRunId}&b=${doneRunId}`, { cookie }), noParams),
    };
  }

  it("returns 401 to anonymous requests", async () => {
    for (const [name, call] of Object.entries(callEverything(undefined))) {
      const response = await call();
      expect(response.status, name).toBe(401);
      expect((await response.json()).error.code, name).toBe("unauthenticated");
    }
  });

  it("returns 403 to merchants", async () => {
    for (const [name, call] of Object.entries(callEverything(cookies.merchant))) {
      const response = await call();
      expect(response.status, name).toBe(403);
      expect((await response.json()).error.code, name).toBe("forbidden");
    }
  });

  it("returns runs to admins", async () => {
    const list = await listRuns(pageRequest("/api/admin/evaluations", { cookie: cookies.admin }), noParams);
    expect(list.status).toBe(200);
    expect((await list.json()).runs.map((run: { id: number }) => run.id)).toContain(doneRunId);

    const run = await getRun(pageRequest(`/api/admin/evaluations/${doneRunId}`, { cookie: cookies.admin }), idParams(doneRunId));
    expect(run.status).toBe(200);
    expect((await run.json()).run.report.category.top1).toBe(0.8);

    const compare = await compareRuns(pageRequest(`/api/admin/evaluations/compare?a=${doneRunId}&b=${doneRunId}`, { cookie: cookies.admin }), noParams);
    expect(compare.status).toBe(200);
    expect((await compare.json()).metrics[0]).toMatchObject({ id: "categoryTop1", difference: 0 });
  });

  it("returns 404 for an unknown run", async () => {
    const response = await getRun(pageRequest("/api/admin/evaluations/999999", { cookie: cookies.admin }), idParams(999999));
    expect(response.status).toBe(404);
  });

  it("rejects a dataset folder without styles.csv", async () => {
    const empty = fs.mkdtempSync(path.join(root, "empty-"));
    const response = await startRun(
      pageRequest("/api/admin/evaluations", { method: "POST", cookie: cookies.admin, body: { dataset: empty, modelId: "fusion-test" } }),
      noParams,
    );
    expect(response.status).toBe(422);
    expect((await response.json()).error.message).toContain("has no styles.csv");
  });

  it("rejects a relative dataset path", async () => {
    const response = await startRun(
      pageRequest("/api/admin/evaluations", { method: "POST", cookie: cookies.admin, body: { dataset: "catalogue", modelId: "fusion-test" } }),
      noParams,
    );
    expect(response.status).toBe(422);
    expect((await response.json()).error.message).toContain("not absolute");
  });

  it("rejects an unknown split", async () => {
    const response = await startRun(
      pageRequest("/api/admin/evaluations", { method: "POST", cookie: cookies.admin, body: { dataset: datasetFolder, split: "train" } }),
      noParams,
    );
    expect(response.status).toBe(422);
  });

  it("runs a started evaluation to done", async () => {
    const response = await startRun(
      pageRequest("/api/admin/evaluations", {
        method: "POST",
        cookie: cookies.admin,
        body: { dataset: datasetFolder, split: "all", modelId: "fusion-test" },
      }),
      noParams,
    );
    expect(response.status).toBe(202);
    const { run } = await response.json();
    expect(run.status).toBe("queued");

    const seenProgress: number[] = [];
    const handled = await runEvaluationWorker({
      database,
      workerId: "test-evaluation-worker",
      signal: new AbortController().signal,
      untilEmpty: true,
      runCommand: async ({ payload, outFile, onProgress }) => {
        onProgress({ stage: "extracting", fraction: 0.5 });
        seenProgress.push(0.5);
        fs.writeFileSync(outFile, JSON.stringify(sampleReport({ dataset: payload.dataset, split: payload.split, modelId: payload.modelId, images: 3 })));
      },
    });
    expect(handled).toBe(1);
    expect(seenProgress).toEqual([0.5]);

    const after = await getRun(pageRequest(`/api/admin/evaluations/${run.id}`, { cookie: cookies.admin }), idParams(run.id));
    const body = await after.json();
    expect(body.run).toMatchObject({ status: "done", imageCount: 3, split: "all", modelId: "fusion-test", progress: { fraction: 1 } });
  });

  it("marks a run failed when the command fails", async () => {
    const response = await startRun(
      pageRequest("/api/admin/evaluations", { method: "POST", cookie: cookies.admin, body: { dataset: datasetFolder, modelId: "fusion-test" } }),
      noParams,
    );
    const { run } = await response.json();
    await runEvaluationWorker({
      database,
      workerId: "test-evaluation-worker",
      signal: new AbortController().signal,
      untilEmpty: true,
      runCommand: async () => {
        throw new Error("The evaluation command exited with 1: model mismatch");
      },
    });
    const after = await (await getRun(pageRequest(`/api/admin/evaluations/${run.id}`, { cookie: cookies.admin }), idParams(run.id))).json();
    expect(after.run).toMatchObject({ status: "failed", error: "The evaluation command exited with 1: model mismatch" });
    const job = await database.prisma.job.findFirstOrThrow({ where: { type: "evaluate" }, orderBy: { id: "desc" } });
    expect(job.status).toBe("failed");
  });
});
