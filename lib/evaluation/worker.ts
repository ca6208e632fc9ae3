/**
 * The loop of the evaluation worker process (workers/evaluation-worker.ts).
 * It claims one "evaluate" job at a time and runs the evaluation command
 * (workers/evaluate.ts) as a child process, so the page and the command line
 * share one code path. It reports progress on the run and stores the report
 * with storeEvaluationReport.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

import type { Database } from "../db/client";
import { claimJobs, completeJob, failJob, heartbeat, releaseJobs, type ClaimedJob } from "../jobs";
import { logger } from "../logger";
import { EVALUATE_JOB, evaluatePayloadSchema, type EvaluatePayload } from "./evaluation-job";
import { parseEvaluationReportText } from "./report-schema";
import { failEvaluationRun, markEvaluationRunRunning, storeEvaluationReport, updateEvaluationProgress, type EvaluationProgress } from "./runs";

export const DEFAULT_POLL_INTERVAL_MS = 2_000;
/** Lease of a running evaluation; the heartbeat renews it every third of this. */
export const DEFAULT_LEASE_MS = 120_000;

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Progress shares: feature extraction is most of the time, prediction and storing the rest. */
const EXTRACTION_START = 0.05;
const EXTRACTION_END = 0.85;
const REPORT_WRITTEN = 0.95;

export interface EvaluationCommandOptions {
  payload: EvaluatePayload;
  /** Path of the JSON report the command writes. */
  outFile: string;
  signal: AbortSignal;
  onProgress(progress: EvaluationProgress): void;
}

/** Runs one evaluation and leaves the report in `outFile`; rejects when the command fails. */
export type EvaluationCommand = (options: EvaluationCommandOptions) => Promise<void>;

/**
 * Runs `workers/evaluate.ts` with tsx and turns its JSON log lines into
 * progress: "feature chunk written" lines carry `done` and `of` image counts.
 *
 * NOTE: the tests drive the worker with a fake command; this child-process
 * path was not run against a real model in the tests.
 */
export const runEvaluateCommand: EvaluationCommand = ({ payload, outFile, signal, onProgress }) =>
  new Promise((resolve, reject) => {
    const args = [
      "--import",
      "tsx",
      path.join(ROOT, "workers", "evaluate.ts"),
      "--dataset",
      payload.dataset,
      "--split",
      payload.split,
      "--model-id",
      payload.modelId,
      "--out",
      outFile,
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "info" }, signal, stdio: ["ignore", "pipe", "pipe"] });
    const stderrTail: string[] = [];

    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      let entry: { msg?: string; done?: number; of?: number; level?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === "feature chunk written" && entry.done !== undefined && entry.of) {
        onProgress({ stage: "extracting", fraction: EXTRACTION_START + ((EXTRACTION_END - EXTRACTION_START) * entry.done) / entry.of });
      } else if (entry.msg === "feature extraction finished") {
        onProgress({ stage: "predicting", fraction: EXTRACTION_END });
      } else if (entry.msg === "evaluation written") {
        onProgress({ stage: "storing", fraction: REPORT_WRITTEN });
      }
      if ((entry.level ?? 0) >= 50 && entry.msg) stderrTail.push(entry.msg);
    });
    readline.createInterface({ input: child.stderr }).on("line", (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
    });

    child.on("error", reject);
    child.on("close", (code, killSignal) => {
      if (code === 0) return resolve();
      const detail = stderrTail.filter((line) => line.trim()).slice(-5).join(" | ");
      reject(new Error(`The evaluation command exited with ${code ?? killSignal}${detail ? `: ${detail}` : ""}`));
    });
  });

export interface EvaluationWorkerOptions {
  database: Database;
  workerId: string;
  /** Aborting it stops the worker: the running evaluation is killed and its job handed back. */
  signal: AbortSignal;
  pollIntervalMs?: number;
  leaseMs?: number;
  /** Return once the queue is empty instead of waiting for more jobs. */
  untilEmpty?: boolean;
  /** The evaluation to run; runEvaluateCommand by default. Tests pass a fake. */
  runCommand?: EvaluationCommand;
}

/** Runs jobs until `signal` aborts (or, with untilEmpty, the queue is empty); returns the number of jobs it handled. */
export async function runEvaluationWorker(options: EvaluationWorkerOptions): Promise<number> {
  const { database, workerId, signal } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  let handled = 0;

  logger.info({ workerId, jobType: EVALUATE_JOB }, "evaluation worker started");
  try {
    while (!signal.aborted) {
      const [job] = await claimJobs(database.prisma, database.provider, { workerId, types: [EVALUATE_JOB], limit: 1, leaseMs });
      if (!job) {
        if (options.untilEmpty) break;
        await sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, undefined, { signal }).catch(() => undefined);
        continue;
      }
      await handleJob(job, options, leaseMs);
      handled += 1;
    }
  } finally {
    const released = await releaseJobs(database.prisma, workerId).catch((error: unknown) => {
      logger.error({ err: error, workerId }, "evaluation worker could not release its jobs");
      return 0;
    });
    logger.info({ workerId, handled, released }, "evaluation worker stopped");
  }
  return handled;
}

async function handleJob(job: ClaimedJob, options: EvaluationWorkerOptions, leaseMs: number): Promise<void> {
  const { database, workerId, signal } = options;
  const db = database.prisma;
  const parsed = evaluatePayloadSchema.safeParse(job.payload);
  if (!parsed.success) {
    logger.error({ jobId: job.id, payload: job.payload }, "evaluate job has an invalid payload; failing it");
    await failJob(db, workerId, job.id, new Error(`Invalid payload: ${parsed.error.message}`), { permanent: true });
    return;
  }
  const payload = parsed.data;
  const log = logger.child({ jobId: job.id, runId: payload.runId, workerId });

  const beat = setInterval(() => {
    heartbeat(db, workerId, [job.id], leaseMs).catch((error: unknown) => log.warn({ err: error }, "evaluation heartbeat failed"));
  }, leaseMs / 3);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-evaluation-"));
  // Progress writes are chained so they land in order and never after the final update.
  let progressWrites: Promise<void> = Promise.resolve();
  let lastFraction = -1;
  const onProgress = (progress: EvaluationProgress) => {
    if (progress.fraction - lastFraction < 0.01) return;
    lastFraction = progress.fraction;
    progressWrites = progressWrites
      .then(() => updateEvaluationProgress(db, payload.runId, progress))
      .catch((error: unknown) => log.warn({ err: error }, "evaluation progress update failed"));
  };

  try {
    log.info({ dataset: payload.dataset, split: payload.split, modelId: payload.modelId }, "evaluation started");
    await markEvaluationRunRunning(db, payload.runId);
    const outFile = path.join(scratch, "report.json");
    await (options.runCommand ?? runEvaluateCommand)({ payload, outFile, signal, onProgress });
    await progressWrites;
    const report = parseEvaluationReportText(fs.readFileSync(outFile, "utf8"), `report of run ${payload.runId}`);
    await storeEvaluationReport(db, report, { runId: payload.runId });
    await completeJob(db, workerId, job.id);
    log.info({ images: report.images, categoryTop1: report.category.top1 }, "evaluation stored");
  } catch (error) {
    await progressWrites;
    if (signal.aborted) {
      log.info("evaluation interrupted by a stop request; handing the job back");
      await db.evaluationRun.update({ where: { id: payload.runId }, data: { status: "queued", startedAt: null } });
      await releaseJobs(db, workerId, [job.id]);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error }, "evaluation failed");
    await failEvaluationRun(db, payload.runId, message).catch((updateError: unknown) =>
      log.error({ err: updateError }, "could not mark the evaluation run failed"),
    );
    await failJob(db, workerId, job.id, error instanceof Error ? error : new Error(message), { permanent: true });
  } finally {
    clearInterval(beat);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
