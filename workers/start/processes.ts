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

/** Time a child gets to exit after SIGTERM before it is killed. */
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * Starts the web server and the vision worker as child processes and keeps
 * the command in the foreground until they stop. SIGINT and SIGTERM are
 * passed on. If the web server exits, the worker is stopped too; if the
 * worker exits, the error is logged and the web server keeps running, with
 * photo search answering 503. STYLELENS_VISION_WORKER=off skips the worker.
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

  if (process.env.STYLELENS_VISION_WORKER?.trim().toLowerCase() === "off") {
    logger.info("vision worker not started: STYLELENS_VISION_WORKER is off");
  } else {
    processes.push({
      name: "vision-worker",
      child: spawn(process.execPath, ["--import", "tsx", path.join(root, "workers", "vision-worker.ts")], {
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
