/**
 * Searches the catalogue by photo in a real browser. A shopper uploads a
 * near-duplicate photo of one fixture product, finds that product first with
 * a similarity score, crops the photo and searches again, then opens the
 * first result and sees its similar items.
 *
 * The test server that playwright.config.ts starts runs only the web server,
 * and it calls the vision worker on port 3101 because the config sets no
 * STYLELENS_WORKER_PORT. This file starts `workers/vision-worker.ts` on the
 * same database and data folder with that port, waits until it has tagged and
 * indexed every product, and stops it afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { expect, test } from "@playwright/test";

import { E2E_DATA_DIR, E2E_DATABASE_URL, ROOT_DIR, sourceDatasetDir } from "./support/paths";

/** A fixture product that has a near-duplicate query photo in the shared dataset. */
const QUERY_PRODUCT = { sku: "10017", title: "Nike Women As The Windru Blue Jackets" };
const QUERY_PHOTO = path.join(sourceDatasetDir(), "near-duplicates", "queries", `${QUERY_PRODUCT.sku}.jpg`);

/** Port the web server calls by default (lib/photo-search/config.ts). */
const WORKER_PORT = "3101";

/** Model load plus tagging of about 400 images on two busy cores. An estimate with margin. */
const INDEXING_TIMEOUT_MS = 240_000;

interface HealthBody {
  products: number;
  indexed: number;
  pending: number;
  failed: number;
  worker: { up: boolean };
}

let worker: ChildProcess | null = null;

test.beforeAll(() => {
  worker = spawn(process.execPath, ["--import", "tsx", "workers/vision-worker.ts"], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      DATABASE_URL: E2E_DATABASE_URL,
      STYLELENS_DATA_DIR: E2E_DATA_DIR,
      STYLELENS_WORKER_PORT: WORKER_PORT,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
});

test.afterAll(async () => {
  if (!worker || worker.exitCode !== null) return;
  const exited = new Promise((resolve) => worker?.once("exit", resolve));
  worker.kill("SIGTERM");
  await exited;
});

test("photo search, crop and similar items", async ({ page, request }) => {
  test.setTimeout(INDEXING_TIMEOUT_MS + 90_000);

  await test.step("wait until the worker has indexed every product", async () => {
    // Polls until the worker is up, no image waits for tagging and every
    // product is indexed. On timeout the diff shows the last counts.
    await expect
      .poll(
        async () => {
          expect(worker?.exitCode, "the vision worker exited early").toBeNull();
          const health = (await (await request.get("/api/health")).json()) as HealthBody;
          return { workerUp: health.worker.up, pending: health.pending, failed: health.failed, unindexed: health.products - health.indexed };
        },
        { timeout: INDEXING_TIMEOUT_MS, intervals: [2_000], message: "the vision worker did not index every product" },
      )
      .toEqual({ workerUp: true, pending: 0, failed: 0, unindexed: 0 });
  });

  const hits = page.getByTestId("photo-hit");
  // The site header has its own keyword "Search" button, so look only in the page's main content.
  const searchButton = page.locator("#main-content").getByRole("button", { name: "Search", exact: true });

  await test.step("upload the photo and search", async () => {
    await page.goto("/photo-search");
    await page.getByTestId("photo-input").setInputFiles(QUERY_PHOTO);
    await expect(page.getByTestId("crop-canvas")).toBeVisible();

    const searched = page.waitForResponse((response) => response.url().endsWith("/api/search/photo"));
    await searchButton.click();
    expect((await searched).status()).toBe(200);

    await expect(hits.first()).toHaveAttribute("data-sku", QUERY_PRODUCT.sku);
    await expect(hits.first()).toContainText(QUERY_PRODUCT.title);
    await expect(hits.first()).toContainText(/\d+% similar/);
  });

  await test.step("crop the photo and search again", async () => {
    const canvas = page.getByTestId("crop-canvas");
    // Clicking Search scrolled the page, and page.mouse works in viewport coordinates.
    await canvas.scrollIntoViewIfNeeded();
    const bounds = await canvas.boundingBox();
    if (!bounds) throw new Error("The crop canvas has no bounding box");

    await page.mouse.move(bounds.x + bounds.width * 0.15, bounds.y + bounds.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(bounds.x + bounds.width * 0.85, bounds.y + bounds.height * 0.85, { steps: 5 });
    await page.mouse.up();
    // The button appears only while a crop box is set.
    await expect(page.getByRole("button", { name: "Use the whole photo" })).toBeVisible();

    const searched = page.waitForResponse((response) => response.url().endsWith("/api/search/photo"));
    await searchButton.click();
    expect((await searched).status()).toBe(200);

    await expect(searchButton).toBeEnabled();
    await expect(hits.first()).toBeVisible();
    await expect(hits.first()).toContainText(/\d+% similar/);
  });

  await test.step("open the first result and see similar items", async () => {
    const firstTitle = (await hits.first().locator("p").first().textContent())?.trim() ?? "";
    expect(firstTitle).not.toBe("");

    await hits.first().getByRole("link").click();
    await expect(page).toHaveURL(/\/products\/\d+$/);
    await expect(page.getByRole("heading", { level: 1, name: firstTitle })).toBeVisible();

    const similar = page.getByTestId("similar-items");
    await expect(similar.getByRole("heading", { name: "Similar items" })).toBeVisible();
    await expect(similar.getByTestId("similar-item").first()).toBeVisible();
  });
});
