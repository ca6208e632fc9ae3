/**
 * Follows an administrator through the model evaluation pages in a real
 * browser, and checks that a merchant and an anonymous client are rejected.
 *
 * The test server runs only the web app, so this file starts
 * `workers/evaluation-worker.ts` on the end-to-end database and stops it
 * afterwards. The worker runs workers/evaluate.ts on a small labelled folder
 * cut from the end-to-end catalogue, with the trained model under models/.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { expect, test } from "@playwright/test";

import { readStyleRows } from "./support/fixture-catalogue";
import { E2E_DATA_DIR, E2E_DATABASE_URL, E2E_DIR, FIXTURE_DATASET_DIR, ROOT_DIR } from "./support/paths";

/** Labelled products in the evaluation folder. MobileNet on two threads extracts their features in a few seconds. */
const EVALUATION_ROWS = 20;
const EVALUATION_DATASET_DIR = path.join(E2E_DIR, "eval-fixture");

const ADMIN_EMAIL = `admin-${Date.now()}@example.com`;
const PASSWORD = "correct horse battery staple";

const workerEnv = { ...process.env, DATABASE_URL: E2E_DATABASE_URL, STYLELENS_DATA_DIR: E2E_DATA_DIR, LOG_LEVEL: "warn" };

let worker: ChildProcess | null = null;

/** Copies an even spread of the end-to-end catalogue's rows, with their images, into EVALUATION_DATASET_DIR. */
function writeEvaluationDataset(): void {
  const { header, rows } = readStyleRows(fs.readFileSync(path.join(FIXTURE_DATASET_DIR, "styles.csv"), "utf8"));
  const step = Math.max(1, Math.floor(rows.length / EVALUATION_ROWS));
  const selected = rows.filter((_, index) => index % step === 0).slice(0, EVALUATION_ROWS);

  fs.rmSync(EVALUATION_DATASET_DIR, { recursive: true, force: true });
  fs.mkdirSync(path.join(EVALUATION_DATASET_DIR, "images"), { recursive: true });
  fs.writeFileSync(path.join(EVALUATION_DATASET_DIR, "styles.csv"), [header, ...selected.map((row) => row.line)].join("\n") + "\n");
  for (const row of selected) {
    fs.copyFileSync(path.join(FIXTURE_DATASET_DIR, "images", `${row.id}.jpg`), path.join(EVALUATION_DATASET_DIR, "images", `${row.id}.jpg`));
  }
}

test.beforeAll(() => {
  writeEvaluationDataset();

  execFileSync("npm", ["run", "--silent", "create-admin", "--", "--email", ADMIN_EMAIL, "--password-stdin"], {
    cwd: ROOT_DIR,
    env: workerEnv,
    input: PASSWORD,
    stdio: ["pipe", "inherit", "inherit"],
  });

  worker = spawn(process.execPath, ["--import", "tsx", "workers/evaluation-worker.ts"], {
    cwd: ROOT_DIR,
    env: workerEnv,
    stdio: ["ignore", "inherit", "inherit"],
  });
});

test.afterAll(async () => {
  if (!worker || worker.exitCode !== null) return;
  const exited = new Promise((resolve) => worker?.once("exit", resolve));
  worker.kill("SIGTERM");
  await exited;
});

test("admin evaluation run shows report", async ({ page }) => {
  // Covers feature extraction of 20 images and the worker's start-up. This is an estimate with margin.
  test.setTimeout(180_000);

  await test.step("sign in as admin", async () => {
    await page.goto("/admin/evaluation");
    await expect(page).toHaveURL(/\/sign-in\?/);
    await page.getByLabel("Email").fill(ADMIN_EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/admin\/evaluation$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  });

  await test.step("start an evaluation on all products of the folder", async () => {
    await page.getByLabel(/Dataset folder on the server/).fill(EVALUATION_DATASET_DIR);
    await page.getByLabel("Split").selectOption("all");
    await expect(page.getByLabel(/Model id/)).not.toHaveValue("");
    await page.getByRole("button", { name: "Start evaluation" }).click();
  });

  await test.step("the progress reaches done", async () => {
    const progress = page.getByTestId("evaluation-progress").first();
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute("data-status", "done", { timeout: 120_000 });
    // Next.js renders its own empty route announcer with role="alert", so only failure texts count.
    await expect(page.getByRole("alert").filter({ hasText: /could not be started|evaluation failed/ })).toHaveCount(0);
    await progress.getByRole("link", { name: "Open the results" }).click();
  });

  await test.step("the report shows metrics, a chart and the published results", async () => {
    await expect(page).toHaveURL(/\/admin\/evaluation\/\d+$/);
    await expect(page.getByTestId("evaluation-run")).toContainText(EVALUATION_DATASET_DIR);

    const categoryTable = page.getByTestId("metrics-category");
    await expect(categoryTable).toBeVisible();
    await expect(categoryTable.getByRole("row")).not.toHaveCount(1);
    await expect(categoryTable).toContainText("%");

    await expect(page.getByTestId("attribute-chart").locator("svg").first()).toBeVisible();

    const references = page.getByTestId("reference-results");
    await expect(references).toBeVisible();
    await expect(references.getByRole("cell", { name: "FashionNet" })).toBeVisible();
  });
});

test("non-admin access is rejected", async ({ page, request }) => {
  const email = `merchant-${Date.now()}@example.com`;

  await test.step("sign up as a merchant", async () => {
    await page.goto("/sign-up");
    await page.getByLabel("Shop name").fill("Heron Street Tailors");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/merchant$/);
  });

  await test.step("the evaluation page shows the 403 message", async () => {
    const response = await page.goto("/admin/evaluation");
    expect(response?.status()).toBe(403);
    const forbidden = page.getByTestId("evaluation-forbidden");
    await expect(forbidden.getByRole("heading", { name: "403: administrators only" })).toBeVisible();
    await expect(forbidden).toContainText("signed in as merchant");
    await expect(page.getByRole("button", { name: "Start evaluation" })).toHaveCount(0);
  });

  await test.step("the API returns 403 to a merchant and 401 without a session", async () => {
    const asMerchant = await page.request.get("/api/admin/evaluations");
    expect(asMerchant.status()).toBe(403);

    const anonymous = await request.get("/api/admin/evaluations");
    expect(anonymous.status()).toBe(401);
  });
});
