/**
 * The "evaluate" background job: its type, payload and enqueueing. The admin
 * API creates a queued EvaluationRun and enqueues one job that names it; the
 * evaluation worker (lib/evaluation/worker.ts) runs it.
 */
import fs from "node:fs";
import path from "node:path";

import { z } from "zod";

import type { Database } from "../db/client";
import { enqueueJob } from "../jobs";
import { DEFAULT_MODEL_ID } from "../vision/training-config";
import { createEvaluationRun, type EvaluationRunSummary } from "./runs";

export const EVALUATE_JOB = "evaluate";

/**
 * One attempt only: a failed evaluation fails the same way again (bad
 * dataset, model mismatch), and the admin can start a new run.
 */
const EVALUATE_MAX_ATTEMPTS = 1;

export const evaluatePayloadSchema = z.object({
  runId: z.number().int().positive(),
  modelId: z.string().min(1),
  dataset: z.string().min(1),
  split: z.enum(["test", "validation", "all"]),
});

export type EvaluatePayload = z.infer<typeof evaluatePayloadSchema>;

/** Body of POST /api/admin/evaluations. */
export const startEvaluationSchema = z.object({
  dataset: z.string().trim().min(1, "dataset is required: the absolute path of a folder with styles.csv and images/").max(1000),
  split: z.enum(["test", "validation", "all"]).default("validation"),
  modelId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]+$/, "modelId must be a folder name under models/ (letters, digits, '.', '_' or '-')")
    .default(DEFAULT_MODEL_ID),
});

export type StartEvaluationInput = z.infer<typeof startEvaluationSchema>;

/**
 * Checks that `dataset` is an absolute path to a labelled catalogue folder
 * (styles.csv and an images/ folder). Returns an error message naming what
 * is missing, or undefined when the folder is usable.
 */
export function checkDatasetFolder(dataset: string): string | undefined {
  if (!path.isAbsolute(dataset)) return `The dataset path "${dataset}" is not absolute. Give the full path of the catalogue folder on the server.`;
  const stat = fs.statSync(dataset, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return `The dataset folder "${dataset}" does not exist on the server.`;
  if (!fs.statSync(path.join(dataset, "styles.csv"), { throwIfNoEntry: false })?.isFile()) {
    return `The dataset folder "${dataset}" has no styles.csv file.`;
  }
  if (!fs.statSync(path.join(dataset, "images"), { throwIfNoEntry: false })?.isDirectory()) {
    return `The dataset folder "${dataset}" has no images/ folder.`;
  }
  return undefined;
}

/** Checks that models/<modelId>/fusion-model.json exists; returns an error message otherwise. */
export function checkModelFolder(modelId: string, modelsDirectory: string): string | undefined {
  if (!fs.existsSync(path.join(modelsDirectory, modelId, "fusion-model.json"))) {
    return `No trained model "${modelId}": ${path.join(modelsDirectory, modelId, "fusion-model.json")} does not exist.`;
  }
  return undefined;
}

/** Creates a queued run and enqueues its job; returns the run and the job id. */
export async function enqueueEvaluation(
  database: Database,
  input: StartEvaluationInput,
  createdBy: string | null,
): Promise<{ run: EvaluationRunSummary; jobId: number }> {
  const run = await createEvaluationRun(database.prisma, { ...input, createdBy });
  const payload: EvaluatePayload = { runId: run.id, modelId: input.modelId, dataset: input.dataset, split: input.split };
  const { jobId } = await enqueueJob(database.prisma, { type: EVALUATE_JOB, payload, maxAttempts: EVALUATE_MAX_ATTEMPTS });
  return { run, jobId };
}
