/**
 * Prepares the isolated catalogue that the end-to-end server reads: writes a
 * fixture dataset cut from the real styles.csv (see fixture-catalogue.ts),
 * then migrates a fresh SQLite database and imports the fixture with the
 * project's own commands. Run by playwright.config.ts before the server
 * starts: `tsx e2e/support/prepare-catalogue.ts`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { readStyleRows, selectFixtureRows } from "./fixture-catalogue";
import { E2E_DATA_DIR, E2E_DATABASE_URL, FIXTURE_DATASET_DIR, ROOT_DIR, sourceDatasetDir } from "./paths";

function log(message: string): void {
  process.stdout.write(`[e2e prepare] ${message}\n`);
}

function writeFixtureDataset(sourceDir: string): number {
  const stylesPath = path.join(sourceDir, "styles.csv");
  if (!fs.existsSync(stylesPath)) {
    throw new Error(
      `Catalogue dataset not found: ${stylesPath} does not exist. Set STYLELENS_DATASET_DIR to a folder ` +
        `in the Kaggle "Fashion Product Images" layout (styles.csv and images/<id>.jpg).`,
    );
  }

  const { header, rows } = readStyleRows(fs.readFileSync(stylesPath, "utf8"));
  const withImages = rows.filter((row) => fs.existsSync(path.join(sourceDir, "images", `${row.id}.jpg`)));
  const selected = selectFixtureRows(withImages);

  fs.mkdirSync(path.join(FIXTURE_DATASET_DIR, "images"), { recursive: true });
  fs.writeFileSync(
    path.join(FIXTURE_DATASET_DIR, "styles.csv"),
    [header, ...selected.map((row) => row.line)].join("\n") + "\n",
  );
  for (const row of selected) {
    fs.copyFileSync(
      path.join(sourceDir, "images", `${row.id}.jpg`),
      path.join(FIXTURE_DATASET_DIR, "images", `${row.id}.jpg`),
    );
  }
  return selected.length;
}

function runNpmScript(args: string[], env: NodeJS.ProcessEnv): void {
  execFileSync("npm", ["run", "--silent", ...args], { cwd: ROOT_DIR, env, stdio: "inherit" });
}

const startedAt = Date.now();
const sourceDir = sourceDatasetDir();

// Start from nothing, so a previous run's rows never leak into this one.
fs.rmSync(FIXTURE_DATASET_DIR, { recursive: true, force: true });
fs.rmSync(E2E_DATA_DIR, { recursive: true, force: true });
fs.mkdirSync(E2E_DATA_DIR, { recursive: true });

const rowCount = writeFixtureDataset(sourceDir);
log(`wrote ${rowCount} products from ${sourceDir} to ${FIXTURE_DATASET_DIR}`);

const env = { ...process.env, DATABASE_URL: E2E_DATABASE_URL, STYLELENS_DATA_DIR: E2E_DATA_DIR };
runNpmScript(["db:migrate"], env);
runNpmScript(["import:catalogue", "--", "--dataset", FIXTURE_DATASET_DIR], env);
log(`catalogue ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
