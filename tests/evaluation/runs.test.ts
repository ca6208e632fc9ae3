/** Stored evaluation runs on each database provider: create, store, list, get and compare. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  compareEvaluationRuns,
  createEvaluationRun,
  EvaluationRunNotComparableError,
  failEvaluationRun,
  getEvaluationRun,
  listEvaluationRuns,
  markEvaluationRunRunning,
  storeEvaluationReport,
  updateEvaluationProgress,
} from "@/lib/evaluation/runs";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

import { sampleReport } from "./report-fixture";

describe.each(testProviders())("evaluation runs on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("stores a command-line report as a done run", async () => {
    const stored = await storeEvaluationReport(database.prisma, sampleReport(), { createdBy: null });
    expect(stored).toMatchObject({ status: "done", modelId: "fusion-test", split: "validation", imageCount: 20, dataset: "/data/catalogue" });

    const run = await getEvaluationRun(database.prisma, stored.id);
    expect(run?.report?.category.top3).toBe(0.9);
    expect(run?.report?.attributes.fabric.recallTop5).toBeNull();
    expect(run?.progress).toEqual({ stage: "done", fraction: 1 });
  });

  it("moves a page run through its states", async () => {
    const created = await createEvaluationRun(database.prisma, { modelId: "fusion-test", dataset: "/data/catalogue", split: "test", createdBy: "admin-1" });
    expect(created).toMatchObject({ status: "queued", progress: { stage: "queued", fraction: 0 }, createdBy: "admin-1" });

    await markEvaluationRunRunning(database.prisma, created.id);
    await updateEvaluationProgress(database.prisma, created.id, { stage: "extracting", fraction: 0.5 });
    const running = await getEvaluationRun(database.prisma, created.id);
    expect(running).toMatchObject({ status: "running", progress: { stage: "extracting", fraction: 0.5 }, report: undefined });

    await storeEvaluationReport(database.prisma, sampleReport({ split: "test", images: 7 }), { runId: created.id });
    const done = await getEvaluationRun(database.prisma, created.id);
    expect(done).toMatchObject({ status: "done", imageCount: 7, createdBy: "admin-1" });
    expect(done?.report?.images).toBe(7);
  });

  it("records a failure message", async () => {
    const created = await createEvaluationRun(database.prisma, { modelId: "m", dataset: "/d", split: "all" });
    await failEvaluationRun(database.prisma, created.id, "Catalogue not found");
    const failed = await getEvaluationRun(database.prisma, created.id);
    expect(failed).toMatchObject({ status: "failed", error: "Catalogue not found", progress: null, report: undefined });
  });

  it("lists runs newest first", async () => {
    const runs = await listEvaluationRuns(database.prisma);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const ids = runs.map((run) => run.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it("compares two done runs", async () => {
    const a = await storeEvaluationReport(database.prisma, sampleReport());
    const b = await storeEvaluationReport(
      database.prisma,
      sampleReport({ category: { top1: 0.85, top3: 0.9, top5: 0.95, macroTop1: 0.7, count: 20 }, colour: { top1: 0.6, count: 20 } }),
    );
    const comparison = await compareEvaluationRuns(database.prisma, a.id, b.id);
    const byId = Object.fromEntries(comparison!.metrics.map((metric) => [metric.id, metric]));
    expect(byId.categoryTop1!.difference).toBeCloseTo(0.05, 10);
    expect(byId.categoryTop3!.difference).toBe(0);
    expect(byId.colourAccuracy!.difference).toBeCloseTo(-0.05, 10);
    expect(byId.attributeRecallTop3Fabric).toMatchObject({ a: null, b: null, difference: null });
    expect(byId.nearDuplicateRecallAt1).toMatchObject({ a: null, difference: null });
  });

  it("rejects comparing an unfinished run", async () => {
    const done = await storeEvaluationReport(database.prisma, sampleReport());
    const queued = await createEvaluationRun(database.prisma, { modelId: "m", dataset: "/d", split: "test" });
    await expect(compareEvaluationRuns(database.prisma, done.id, queued.id)).rejects.toBeInstanceOf(EvaluationRunNotComparableError);
    expect(await compareEvaluationRuns(database.prisma, done.id, 999_999)).toBeUndefined();
  });
});
