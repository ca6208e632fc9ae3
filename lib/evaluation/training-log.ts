/**
 * Reads the per-epoch history from models/<model id>/training-log.json, as
 * written by `npm run train`, for the training curve on the run page.
 */
import fs from "node:fs";
import path from "node:path";

import { z } from "zod";

import { modelsDir } from "../vision/config";

const epochSchema = z.object({
  epoch: z.number().int(),
  trainLoss: z.number().nullable().optional(),
  validationLoss: z.number().nullable().optional(),
  trainCategoryTop1: z.number().nullable().optional(),
  validationCategoryTop1: z.number().nullable().optional(),
});

const trainingLogSchema = z.object({ history: z.array(epochSchema.loose()), bestEpoch: z.number().int().optional() });

export interface TrainingEpoch {
  epoch: number;
  trainLoss: number | null;
  validationLoss: number | null;
  trainCategoryTop1: number | null;
  validationCategoryTop1: number | null;
}

export interface TrainingCurve {
  epochs: TrainingEpoch[];
  bestEpoch: number | null;
}

const MODEL_ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/**
 * Returns the training curve of a model, or undefined when the model id is
 * not a plain folder name, the log is missing, or it does not have the
 * expected shape.
 */
export function readTrainingCurve(modelId: string, directory = modelsDir()): TrainingCurve | undefined {
  if (!MODEL_ID_PATTERN.test(modelId) || modelId === "." || modelId === "..") return undefined;
  const file = path.join(directory, modelId, "training-log.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = trainingLogSchema.safeParse(value);
  if (!parsed.success) return undefined;
  return {
    bestEpoch: parsed.data.bestEpoch ?? null,
    epochs: parsed.data.history.map((entry) => ({
      epoch: entry.epoch,
      trainLoss: entry.trainLoss ?? null,
      validationLoss: entry.validationLoss ?? null,
      trainCategoryTop1: entry.trainCategoryTop1 ?? null,
      validationCategoryTop1: entry.validationCategoryTop1 ?? null,
    })),
  };
}
