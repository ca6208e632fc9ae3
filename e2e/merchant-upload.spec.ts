/**
 * Follows a merchant through the catalogue upload in a real browser. The
 * merchant signs up and uploads a CSV and a ZIP made by the test. The import's
 * progress bar reaches 100 %, the products show up in the shop's search, and
 * correcting one tag changes the search facet.
 *
 * The background import needs the import worker. The test server that
 * playwright.config.ts starts runs only the web server, so this file starts
 * `workers/import-worker.ts` on the same database and data folder and stops
 * it afterwards. The vision worker does not run here, so no image gets
 * tagged: the tagging line stays at 0 while the rows reach 100 %.
 */
import { spawn, type ChildProcess } from "node:child_process";

import { expect, test, type Locator, type Page } from "@playwright/test";
import sharp from "sharp";

import { buildZip } from "../tests/uploads/support/zip-writer";
import { E2E_DATA_DIR, E2E_DATABASE_URL, ROOT_DIR } from "./support/paths";

/** A word no product of the fixture catalogue contains, so a search finds exactly this upload. */
const BRAND = "Zebrafinch";

const PRODUCTS = [
  { sku: "ZF-1", title: `${BRAND} Men Teal Striped Shirt`, colour: "Teal", background: "#1a8a8a" },
  { sku: "ZF-2", title: `${BRAND} Men Teal Oxford Shirt`, colour: "Teal", background: "#2a9a9a" },
  { sku: "ZF-3", title: `${BRAND} Women Maroon Linen Top`, colour: "Maroon", background: "#7a1a2a" },
];

let worker: ChildProcess | null = null;

test.beforeAll(() => {
  worker = spawn(process.execPath, ["--import", "tsx", "workers/import-worker.ts"], {
    cwd: ROOT_DIR,
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, STYLELENS_DATA_DIR: E2E_DATA_DIR, LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
});

test.afterAll(async () => {
  if (!worker || worker.exitCode !== null) return;
  const exited = new Promise((resolve) => worker?.once("exit", resolve));
  worker.kill("SIGTERM");
  await exited;
});

async function buildUpload(): Promise<{ csv: Buffer; zip: Buffer }> {
  const header = "sku,title,brand,gender,masterCategory,subCategory,category,colour,season,usage,year,image";
  const lines = PRODUCTS.map((product) =>
    [product.sku, product.title, BRAND, "Men", "Apparel", "Topwear", "Shirts", product.colour, "Summer", "Casual", "2025", `photos/${product.sku}.jpg`].join(","),
  );
  const images = await Promise.all(
    PRODUCTS.map(async (product) => ({
      name: `photos/${product.sku}.jpg`,
      data: await sharp({ create: { width: 300, height: 400, channels: 3, background: product.background } }).jpeg().toBuffer(),
    })),
  );
  return { csv: Buffer.from(`${[header, ...lines].join("\n")}\n`), zip: buildZip(images) };
}

/** Returns the count shown next to a facet value, or null when the value is not listed. */
async function facetCount(group: Locator, value: string): Promise<number | null> {
  const label = group.locator("label", { has: group.page().locator(`input[value="${value}"]`) });
  if ((await label.count()) === 0) return null;
  return Number((await label.locator("span").last().textContent())?.trim());
}

async function searchBrand(page: Page): Promise<Locator> {
  await page.goto(`/search?q=${BRAND.toLowerCase()}`);
  await expect(page.getByTestId("result-count")).toHaveText(/^3 products/);
  return page.getByRole("group", { name: "Colour" });
}

test("merchant uploads a catalogue, follows the import and corrects a tag", async ({ page }) => {
  const email = `merchant-${Date.now()}@example.com`;
  const password = "correct horse battery staple";

  await test.step("sign up as a merchant", async () => {
    await page.goto("/sign-up");
    await page.getByLabel("Shop name").fill("Zebra Finch Outfitters");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByLabel("Repeat the password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/merchant$/);
  });

  await test.step("upload a CSV and a ZIP", async () => {
    const { csv, zip } = await buildUpload();
    await page.goto("/merchant/uploads");
    await page.getByLabel("Catalogue CSV").setInputFiles({ name: "catalogue.csv", mimeType: "text/csv", buffer: csv });
    await page.getByLabel("Photos: ZIP files or image files").setInputFiles({ name: "photos.zip", mimeType: "application/zip", buffer: zip });
    await expect(page.getByTestId("chosen-files")).toContainText("1 photo file chosen");
    await page.getByRole("button", { name: "Upload and import" }).click();
    await expect(page).toHaveURL(/\/merchant\/uploads\/\d+$/);
  });

  await test.step("the progress bar reaches 100 % of rows, tagging is shown apart", async () => {
    const rows = page.getByRole("progressbar", { name: "Rows imported" });
    await expect(rows).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
    await expect(page.getByTestId("upload-status")).toHaveText("The import has finished.");
    await expect(page.getByText("3 of 3 rows processed")).toBeVisible();
    await expect(page.getByText("0 of 3 images tagged")).toBeVisible();

    // The state lives in the database, so a reload shows the same progress.
    await page.reload();
    await expect(rows).toHaveAttribute("aria-valuenow", "100");
  });

  await test.step("the products appear in the shop's search", async () => {
    const colours = await searchBrand(page);
    expect(await facetCount(colours, "Teal")).toBe(2);
    expect(await facetCount(colours, "Maroon")).toBe(1);
    await expect(page.getByTestId("search-results").getByRole("link", { name: PRODUCTS[0]?.title })).toBeVisible();
  });

  await test.step("correct the colour of one product", async () => {
    await page.goto("/merchant/products");
    await page.getByRole("link", { name: PRODUCTS[0]?.title }).click();
    await expect(page.getByRole("heading", { level: 1, name: PRODUCTS[0]?.title })).toBeVisible();
    // No vision worker runs here, so the page shows that there are no predictions yet.
    await expect(page.getByTestId("no-predictions")).toBeVisible();

    const colourGroup = page.getByTestId("review-group-colour");
    await colourGroup.getByLabel("Correct Colour").fill("Mustard");
    await colourGroup.getByRole("button", { name: "Save Colour" }).click();
    await expect(colourGroup.getByText("Saved. The shop's filters use your tag now.")).toBeVisible();
    await expect(colourGroup.getByText("Verified by you")).toBeVisible();
  });

  await test.step("the colour facet shows the correction", async () => {
    const colours = await searchBrand(page);
    expect(await facetCount(colours, "Mustard")).toBe(1);
    expect(await facetCount(colours, "Teal")).toBe(1);
  });
});
