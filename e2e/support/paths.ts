import path from "node:path";

/** Repository root. */
export const ROOT_DIR = path.resolve(import.meta.dirname, "..", "..");

/** Everything the end-to-end run writes, under the git-ignored .cache folder. */
export const E2E_DIR = path.join(ROOT_DIR, ".cache", "e2e");

/** The fixture catalogue: styles.csv and images/<id>.jpg, a subset of the real dataset. */
export const FIXTURE_DATASET_DIR = path.join(E2E_DIR, "dataset");

/** STYLELENS_DATA_DIR of the server under test: SQLite file and image store. */
export const E2E_DATA_DIR = path.join(E2E_DIR, "data");

export const E2E_DATABASE_URL = `file:${path.join(E2E_DATA_DIR, "stylelens.db")}`;

/** Next.js build folder of the test server, so the run never touches .next. */
export const E2E_NEXT_DIST_DIR = ".next-e2e";

/** Returns the full catalogue folder that fixtures are cut from: STYLELENS_DATASET_DIR, else the shared dataset beside the repository. */
export function sourceDatasetDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.STYLELENS_DATASET_DIR?.trim() || path.join(ROOT_DIR, "..", "shared", "datasets", "fashion-products"));
}
