import { execFileSync } from "node:child_process";

import { defineConfig } from "@playwright/test";

import {
  E2E_DATA_DIR,
  E2E_DATABASE_URL,
  E2E_NEXT_DIST_DIR,
  sourceDatasetDir,
} from "./e2e/support/paths";

/** Debian's chromium: Playwright's own browser download cannot run offline. */
const CHROMIUM_PATH = process.env.STYLELENS_CHROMIUM_PATH?.trim() || "/usr/bin/chromium";

/**
 * Asks the OS for a free port on 127.0.0.1. It is synchronous because the
 * config must be a plain object. The port is released before the server binds
 * it, so another program could take it in between. The run then fails at
 * start-up rather than testing the wrong server.
 */
function findFreePort(): number {
  const script =
    "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

// Playwright loads this file again in each worker process. The port is picked
// once, in the runner, and reaches the workers through the environment.
process.env.STYLELENS_E2E_PORT ??= String(findFreePort());
const port = Number(process.env.STYLELENS_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  // One worker: the tests share one server, and the machine has few cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    browserName: "chromium",
    locale: "en-GB",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  // Playwright starts the web server before globalSetup runs, so the catalogue
  // is prepared by the server command itself: fixture dataset, migration and
  // import first, then a production build in its own folder, then the server.
  webServer: {
    command: [
      "npx tsx e2e/support/prepare-catalogue.ts",
      "npx next build",
      `npx next start -H 127.0.0.1 -p ${port}`,
    ].join(" && "),
    url: `${baseURL}/`,
    // Import, build and start-up on a busy two-core machine; an estimate with margin.
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: E2E_DATABASE_URL,
      STYLELENS_DATA_DIR: E2E_DATA_DIR,
      STYLELENS_NEXT_DIST_DIR: E2E_NEXT_DIST_DIR,
      // The full catalogue that prepare-catalogue.ts cuts the fixture from.
      STYLELENS_DATASET_DIR: sourceDatasetDir(),
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
    },
  },
});
