import { expect, test, type Locator, type Page } from "@playwright/test";

/** Upper bound on Tab presses while looking for an element; the header and sidebar need far fewer. */
const MAX_TAB_PRESSES = 120;

/** Presses Tab until `target` has keyboard focus, failing after MAX_TAB_PRESSES presses. */
async function tabUntilFocused(page: Page, target: Locator, description: string): Promise<void> {
  for (let presses = 0; presses < MAX_TAB_PRESSES; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement || element.contains(document.activeElement))) {
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`${description} did not receive keyboard focus within ${MAX_TAB_PRESSES} Tab presses`);
}

/** Reads the number from the result count ("36 products"). */
async function readResultCount(page: Page): Promise<number> {
  const text = (await page.getByTestId("result-count").textContent()) ?? "";
  const match = /\d[\d,]*/.exec(text);
  if (!match) throw new Error(`Result count "${text}" contains no number`);
  return Number(match[0].replaceAll(",", ""));
}

test("shopper searches, filters and switches language", async ({ page }) => {
  await test.step("home page lists categories and new arrivals", async () => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { name: "Shop by category" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "New arrivals" })).toBeVisible();
  });

  await test.step("keyboard reaches the search box and submits a query", async () => {
    const searchBox = page.getByRole("searchbox", { name: "Search products" });
    await tabUntilFocused(page, searchBox, "The header search box");
    await page.keyboard.type("striped shirt");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/search\?q=striped\+shirt$/);
    await expect(page.getByRole("heading", { level: 1, name: "Results for “striped shirt”" })).toBeVisible();
  });

  const resultList = page.getByTestId("search-results");
  await expect(resultList.getByRole("listitem").first()).toBeVisible();
  const totalBefore = await readResultCount(page);
  expect(totalBefore).toBeGreaterThan(1);

  const colourGroup = page.getByRole("group", { name: "Colour" });
  const colourBox = colourGroup.getByRole("checkbox").first();
  const colour = (await colourBox.getAttribute("value")) ?? "";
  expect(colour).not.toBe("");

  await test.step("keyboard ticks a colour facet", async () => {
    await tabUntilFocused(page, colourBox, `The "${colour}" colour checkbox`);
    await page.keyboard.press("Space");
    await expect(page).toHaveURL(new RegExp(`[?&]colour=${encodeURIComponent(colour).replaceAll("%20", "\\+")}(&|$)`));
    await expect(colourBox).toBeChecked();
    // The sidebar is updated in place, so keyboard focus stays on the checkbox.
    await expect(colourBox).toBeFocused();
    await expect(page.getByRole("link", { name: `Remove filter Colour: ${colour}` })).toBeVisible();
  });

  const totalAfter = await readResultCount(page);
  expect(totalAfter).toBeGreaterThan(0);
  expect(totalAfter).toBeLessThan(totalBefore);

  await test.step("back button restores the search without the facet", async () => {
    await page.goBack();
    await expect(page).toHaveURL(/\/search\?q=striped\+shirt$/);
    await expect(colourGroup.getByRole("checkbox", { name: colour })).not.toBeChecked();
    await expect(page.getByRole("link", { name: `Remove filter Colour: ${colour}` })).toHaveCount(0);
    await expect(page.getByTestId("result-count")).toHaveText(new RegExp(`^${totalBefore} products`));
  });

  await test.step("product page shows the product", async () => {
    const firstResult = resultList.getByRole("listitem").first().getByRole("link");
    const title = (await firstResult.textContent())?.trim() ?? "";
    await firstResult.click();
    await expect(page).toHaveURL(/\/products\/\d+$/);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByRole("img", { name: title })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Product details" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Category path" })).toBeVisible();
  });

  await test.step("language switch shows the page in Chinese at the same URL", async () => {
    const productUrl = page.url();
    await page.getByRole("button", { name: "简体中文" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByRole("heading", { name: "商品信息" })).toBeVisible();
    await expect(page.getByRole("button", { name: "简体中文" })).toHaveAttribute("aria-pressed", "true");
    expect(page.url()).toBe(productUrl);

    // The choice is a cookie, so the next page is in Chinese too.
    await page.goto("/search?q=striped+shirt");
    await expect(page.getByRole("heading", { level: 1, name: "“striped shirt”的搜索结果" })).toBeVisible();
    await expect(page.getByRole("group", { name: "颜色" })).toBeVisible();
  });
});

test("unknown product shows the not-found page", async ({ page }) => {
  const response = await page.goto("/products/999999999");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Product not found" })).toBeVisible();
});

test("invalid search parameters show a message, not an error", async ({ page }) => {
  const response = await page.goto("/search?q=shirt&page=abc");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "This search link could not be read" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Start a new search" })).toBeVisible();
});

test("mobile filters hide behind a button", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/search?q=shirt");
  const filtersButton = page.getByRole("button", { name: "Filters" });
  const colourGroup = page.getByRole("group", { name: "Colour" });
  await expect(filtersButton).toHaveAttribute("aria-expanded", "false");
  await expect(colourGroup).toBeHidden();
  await filtersButton.click();
  await expect(filtersButton).toHaveAttribute("aria-expanded", "true");
  await expect(colourGroup).toBeVisible();
});
