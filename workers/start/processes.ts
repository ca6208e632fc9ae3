import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { logger } from "../../lib/logger";

export interface ServerOptions {
  host: string;
  port: number;
}

interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** When an essential process exits, the others are stopped too. The shop keeps running without the vision worker. */
  essential: boolean;
}

/**
 * Long-running job processes started beside the web server. Each can be
 * switched off with its variable set to "off"; the shop keeps running
 * without them.
 */
const BACKGROUND_WORKERS = [
  // Tags images, keeps the vector index and serves photo search.
  { name: "vision-worker", script: "vision-worker.ts", switchVariable: "STYLELENS_VISION_WORKER" },
  // Runs merchants' bulk catalogue uploads.
  { name: "import-worker", script: "import-worker.ts", switchVariable: "STYLELENS_IMPORT_WORKER" },
  // Runs evaluations started from the admin page.
  { name: "evaluation-worker", script: "evaluation-worker.ts", switchVariable: "STYLELENS_EVALUATION_WORKER" },
] as const;

/** Time a child gets to exit after SIGTERM before it is killed. */
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * Starts the web server and the background workers as child processes and
 * keeps the command in the foreground until they stop. SIGINT and SIGTERM
 * are passed on. If the web server exits, the workers are stopped too; if a
 * worker exits, the error is logged and the web server keeps running (photo
 * search then returns 503).
 */
export async function startProcesses(root: string, options: ServerOptions): Promise<void> {
  const nextCli = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const processes: ManagedProcess[] = [
    {
      name: "web",
      child: spawn(process.execPath, [nextCli, "start", "-H", options.host, "-p", String(options.port)], {
        cwd: root,
        stdio: "inherit",
        env: process.env,
      }),
      essential: true,
    },
  ];
  logger.info({ url: `http://${options.host}:${options.port}` }, "shop starting");

  for (const worker of BACKGROUND_WORKERS) {
    if (process.env[worker.switchVariable]?.trim().toLowerCase() === "off") {
      logger.info(`${worker.name} not started: ${worker.switchVariable} is off`);
      continue;
    }
    processes.push({
      name: worker.name,
      child: spawn(process.execPath, ["--import", "tsx", path.join(root, "workers", worker.script)], {
        cwd: root,
        stdio: "inherit",
        env: process.env,
      }),
      essential: false,
    });
  }

  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const { child } of processes) {
      if (child.exitCode === null) child.kill(signal);
    }
    setTimeout(() => {
      for (const { child } of processes) {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    }, SHUTDOWN_GRACE_MS).unref();
  };

  process.on("SIGINT", () => stopAll("SIGINT"));
  process.on("SIGTERM", () => stopAll("SIGTERM"));

  await Promise.all(
    processes.map(
      ({ name, child, essential }) =>
        new Promise<void>((resolve) => {
          child.on("error", (error) => {
            // spawn failed (for example, the executable is missing); "exit" may not follow.
            logger.error({ err: error, process: name }, `${name} process failed to start`);
            if (essential) stopAll("SIGTERM");
            resolve();
          });
          child.on("exit", (code, signal) => {
            const level = stopping || code === 0 ? "info" : "error";
            if (!essential && !stopping) {
              logger.error({ process: name, code, signal }, `${name} process exited; the shop keeps running without it`);
              resolve();
              return;
            }
            logger[level]({ process: name, code, signal }, `${name} process exited`);
            if (!stopping && code !== 0) process.exitCode = 1;
            stopAll("SIGTERM");
            resolve();
          });
        }),
    ),
  );
}
