import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { InvalidEvaluationReportError, parseEvaluationReport, parseEvaluationReportText } from "@/lib/evaluation/report-schema";

import { sampleReport } from "./report-fixture";

function rejection(run: () => unknown): InvalidEvaluationReportError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidEvaluationReportError) return error;
    throw error;
  }
  throw new Error("expected InvalidEvaluationReportError");
}

describe("evaluation report validation", () => {
  it("accepts a complete report", () => {
    const report = parseEvaluationReport(JSON.parse(JSON.stringify(sampleReport())));
    expect(report.category.top1).toBe(0.8);
    expect(report.attributes.fabric.recallTop3).toBeNull();
  });

  it("accepts the shipped model's report", () => {
    const file = path.resolve("models/fusion-mobilenet-v1/evaluation-test.json");
    if (!fs.existsSync(file)) return;
    const report = parseEvaluationReportText(fs.readFileSync(file, "utf8"), file);
    expect(report.nearDuplicate?.recallAt10).toBeGreaterThan(0);
  });

  it("rejects text that is not JSON", () => {
    const error = rejection(() => parseEvaluationReportText("{oops", "report.json"));
    expect(error.message).toMatch(/^Invalid report\.json: not valid JSON/);
  });

  it("names a missing metric", () => {
    const broken = JSON.parse(JSON.stringify(sampleReport()));
    delete broken.category.top5;
    const error = rejection(() => parseEvaluationReport(broken, "report.json"));
    expect(error.issues.some((issue) => issue.startsWith("category.top5:"))).toBe(true);
    expect(error.message).toContain("category.top5");
  });

  it("rejects a fraction above 1", () => {
    const error = rejection(() => parseEvaluationReport({ ...sampleReport(), colour: { top1: 1.5, count: 3 } }));
    expect(error.issues.some((issue) => issue.startsWith("colour.top1:"))).toBe(true);
  });

  it("rejects an unknown split", () => {
    const error = rejection(() => parseEvaluationReport({ ...sampleReport(), split: "train" }));
    expect(error.issues.some((issue) => issue.startsWith("split:"))).toBe(true);
  });

  it("rejects a non-square confusion matrix", () => {
    const confusion = { labels: ["Tshirts", "Shirts"], matrix: [[3, 1]] };
    const error = rejection(() => parseEvaluationReport({ ...sampleReport(), confusion }));
    expect(error.issues.some((issue) => issue.startsWith("confusion"))).toBe(true);
  });
});
