/**
 * Vitest global setup: starts a throwaway PostgreSQL server on 127.0.0.1 for
 * the integration tests and stops it afterwards. Tests read its URL with
 * `inject("postgresUrl")`; each test file creates its own database there.
 *
 * STYLELENS_TEST_POSTGRES_URL uses an existing server instead. Without one
 * and without PostgreSQL binaries the PostgreSQL tests are skipped, except
 * under CI=true, where that is an error.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

const POSTGRES_USER = "stylelens";

function findPostgresBin(): string | null {
  const candidates = ["/usr/lib/postgresql"];
  for (const base of candidates) {
    if (!fs.existsSync(base)) continue;
    const versions = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = path.join(base, version, "bin");
      if (fs.existsSync(path.join(bin, "pg_ctl"))) return bin;
    }
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** PostgreSQL refuses to run as root, so as root its commands run as the `postgres` user. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() === 0) return ["runuser", ["-u", "postgres", "--", command, ...args]];
  return [command, args];
}

async function waitForServer(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`PostgreSQL test server did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.STYLELENS_TEST_POSTGRES_URL?.trim();
  if (existing) {
    project.provide("postgresUrl", existing);
    return async () => undefined;
  }

  const bin = findPostgresBin();
  if (!bin) {
    if (process.env.CI === "true") {
      throw new Error("PostgreSQL binaries not found under /usr/lib/postgresql: install the `postgresql` package");
    }
    console.warn("PostgreSQL not installed: PostgreSQL tests are skipped (apt-get install postgresql to run them)");
    project.provide("postgresUrl", null);
    return async () => undefined;
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-pg-"));
  const dataDir = path.join(root, "data");
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres", root]);

  const [initCommand, initArgs] = asPostgresUser(path.join(bin, "initdb"), [
    "-D", dataDir, "-A", "trust", "-U", POSTGRES_USER, "--no-sync",
  ]);
  execFileSync(initCommand, initArgs, { stdio: "ignore" });

  const port = await freePort();
  const [serverCommand, serverArgs] = asPostgresUser(path.join(bin, "postgres"), [
    "-D", dataDir, "-h", "127.0.0.1", "-p", String(port), "-k", root,
    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
  ]);
  const server: ChildProcess = spawn(serverCommand, serverArgs, { stdio: "ignore" });
  await waitForServer(port, 30_000);

  project.provide("postgresUrl", `postgresql://${POSTGRES_USER}@127.0.0.1:${port}/postgres`);

  return async () => {
    // runuser does not pass signals on to postgres, so stop it through pg_ctl
    // ("fast": roll back open transactions, disconnect, shut down).
    const exited = new Promise((resolve) => server.once("exit", resolve));
    const [stopCommand, stopArgs] = asPostgresUser(path.join(bin, "pg_ctl"), ["-D", dataDir, "stop", "-m", "fast", "-w"]);
    try {
      execFileSync(stopCommand, stopArgs, { stdio: "ignore" });
    } catch {
      server.kill("SIGKILL");
    }
    await exited;
    fs.rmSync(root, { recursive: true, force: true });
  };
}
