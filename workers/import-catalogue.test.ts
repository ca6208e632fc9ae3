import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const script = path.join(root, "workers", "import-catalogue.ts");

let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-cli-"));
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs the command line and returns its exit code and output; never throws for a non-zero exit. */
async function runCli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, ...args], {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: "silent",
        STYLELENS_DATA_DIR: scratch,
        DATABASE_URL: `file:${path.join(scratch, "stylelens.db")}`,
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("import-catalogue command", () => {
  it("prints help", async () => {
    const result = await runCli(["--help"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--dataset DIR");
  });

  it("fails in one line when the configured dataset is missing", async () => {
    const result = await runCli([], { STYLELENS_DATASET_DIR: path.join(scratch, "absent") });

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("STYLELENS_DATASET_DIR");
    expect(result.stderr).toContain("Fashion Product Images");
  });

  it("fails in one line when a required column is missing", async () => {
    const dataset = path.join(scratch, "dataset");
    fs.mkdirSync(path.join(dataset, "images"), { recursive: true });
    fs.writeFileSync(path.join(dataset, "styles.csv"), "id,gender\n1,Men\n");

    const result = await runCli(["--dataset", dataset]);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain('Missing required column "productDisplayName"');
  });

  it("rejects an invalid limit", async () => {
    const result = await runCli(["--limit", "ten"]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid --limit "ten"');
  });
});
