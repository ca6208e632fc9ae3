/**
 * The processes that workers/bench-photo.ts measures: the vision worker
 * (`workers/vision-worker.ts`) and the web app under `next start`, both on
 * 127.0.0.1, each logging to a file in the catalogue's data folder.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import type { Logger } from "pino";

import { buildIfStale } from "../start/build";
import type { BenchCatalogue } from "./catalogues";

/** Time for a child to exit after SIGTERM before it gets SIGKILL, in ms. */
const STOP_GRACE_MS = 15_000;
/** Maximum wait for the worker to open or rebuild its index and tag pending images, in ms. */
const READY_TIMEOUT_MS = 2 * 60 * 60_000;
const POLL_MS = 1_000;

export interface ChildHandle {
  name: string;
  pid: number;
  logPath: string;
  /** Exit code, or the signal name; resolves when the process exits. */
  exited: Promise<string>;
  /** Sends SIGTERM to this process only, then SIGKILL after STOP_GRACE_MS. */
  stop(): Promise<void>;
}

export interface StackSettings {
  root: string;
  distDir: string;
  webPort: number;
  workerPort: number;
}

function startChild(name: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logPath: string }, log: Logger): ChildHandle {
  const { env, logPath } = options;
  const logFile = fs.openSync(logPath, "a");
  const child = spawn(process.execPath, args, { cwd: options.cwd, env, stdio: ["ignore", logFile, logFile] });
  fs.closeSync(logFile);
  if (child.pid === undefined) throw new Error(`${name} failed to start: ${process.execPath} ${args.join(" ")}`);
  const pid = child.pid;
  log.info({ process: name, pid, log: logPath }, "Started process");

  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(String(code ?? signal))));
  return {
    name,
    pid,
    logPath,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => {
        log.warn({ process: name, pid }, "Process did not stop after SIGTERM; sending SIGKILL");
        process.kill(pid, "SIGKILL");
      }, STOP_GRACE_MS);
      const status = await exited;
      clearTimeout(timer);
      log.info({ process: name, pid, status }, "Stopped process");
    },
  };
}

function childEnv(catalogue: BenchCatalogue, settings: StackSettings): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: catalogue.config.url,
    STYLELENS_DATA_DIR: catalogue.dataDir,
    STYLELENS_WORKER_PORT: String(settings.workerPort),
    STYLELENS_NEXT_DIST_DIR: settings.distDir,
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  };
}

/** Builds the web app into its own distDir unless the last build there used the same sources. */
export async function buildWebApp(catalogue: BenchCatalogue, settings: StackSettings): Promise<void> {
  const env = childEnv(catalogue, settings);
  const saved = { ...process.env };
  // buildIfStale reads the distDir from the environment and passes it to `next build`.
  Object.assign(process.env, { STYLELENS_NEXT_DIST_DIR: env.STYLELENS_NEXT_DIST_DIR, DATABASE_URL: env.DATABASE_URL, STYLELENS_DATA_DIR: env.STYLELENS_DATA_DIR, NEXT_TELEMETRY_DISABLED: "1" });
  try {
    await buildIfStale(settings.root);
  } finally {
    for (const key of ["STYLELENS_NEXT_DIST_DIR", "DATABASE_URL", "STYLELENS_DATA_DIR", "NEXT_TELEMETRY_DISABLED"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

export function startWorker(catalogue: BenchCatalogue, settings: StackSettings, log: Logger): ChildHandle {
  const script = path.join(settings.root, "workers", "vision-worker.ts");
  const logPath = path.join(catalogue.dataDir, "worker.log");
  return startChild("vision-worker", ["--import", "tsx", script], { cwd: settings.root, env: childEnv(catalogue, settings), logPath }, log);
}

export function startWebServer(catalogue: BenchCatalogue, settings: StackSettings, log: Logger): ChildHandle {
  const nextCli = path.join(settings.root, "node_modules", "next", "dist", "bin", "next");
  const logPath = path.join(catalogue.dataDir, "web.log");
  const args = [nextCli, "start", "-H", "127.0.0.1", "-p", String(settings.webPort)];
  return startChild("next-start", args, { cwd: settings.root, env: childEnv(catalogue, settings), logPath }, log);
}

interface HealthBody {
  products: number;
  indexed: number;
  pending: number;
  worker: { up: boolean };
}

/**
 * Waits until the web server's /api/health reports the worker up with a
 * non-empty index and no image pending. Fails when either process exits
 * first.
 */
export async function waitUntilReady(settings: StackSettings, children: ChildHandle[], log: Logger): Promise<HealthBody> {
  const url = `http://127.0.0.1:${settings.webPort}/api/health`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const exits = children.map((child) => child.exited.then((status) => ({ child, status })));
  let lastReport = 0;
  for (;;) {
    const exited = await Promise.race([...exits, new Promise<null>((resolve) => setTimeout(() => resolve(null), POLL_MS))]);
    if (exited) {
      throw new Error(`${exited.child.name} (pid ${exited.child.pid}) exited with ${exited.status} before it was ready; see ${exited.child.logPath}`);
    }
    const health = await fetch(url, { signal: AbortSignal.timeout(10_000) })
      .then((response) => (response.ok ? (response.json() as Promise<HealthBody>) : null))
      .catch(() => null);
    if (health?.worker.up && health.pending === 0 && health.indexed > 0) return health;
    if (Date.now() > deadline) throw new Error(`The web server and worker were not ready after ${READY_TIMEOUT_MS / 60_000} minutes; last health: ${JSON.stringify(health)}`);
    if (Date.now() - lastReport > 30_000) {
      log.info({ health }, "Waiting for the web server and the worker's index");
      lastReport = Date.now();
    }
  }
}
