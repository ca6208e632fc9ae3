import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@/tests/helpers/databases";

import { ensureShippedEvaluations } from "./evaluations";

const shippedModels = path.resolve(import.meta.dirname, "..", "..", "models");

describe("ensureShippedEvaluations", () => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((database) => database.drop()));
  });

  it("stores the committed reports once", async () => {
    const database = await createTestDatabase("sqlite");
    opened.push(database);
    const reports = fs
      .readdirSync(shippedModels, { recursive: true, encoding: "utf8" })
      .filter((file) => /(^|\/)evaluation-[a-z]+\.json$/.test(file));

    const first = await ensureShippedEvaluations(database.prisma, shippedModels);
    const second = await ensureShippedEvaluations(database.prisma, shippedModels);

    expect(reports.length).toBeGreaterThan(0);
    expect(first).toBe(reports.length);
    expect(second).toBe(0);
    expect(await database.prisma.evaluationRun.count()).toBe(reports.length);
  });

  it("skips an invalid report", async () => {
    const database = await createTestDatabase("sqlite");
    opened.push(database);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-models-"));
    fs.mkdirSync(path.join(root, "broken-model"));
    fs.writeFileSync(path.join(root, "broken-model", "evaluation-test.json"), '{"modelId": 1}');

    const stored = await ensureShippedEvaluations(database.prisma, root);

    expect(stored).toBe(0);
    expect(await database.prisma.evaluationRun.count()).toBe(0);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
