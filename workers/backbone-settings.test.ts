import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The train and evaluate commands read the backbone from STYLELENS_BACKBONE
 * and stop in one line, before any work, when that setting cannot be used.
 */

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

let scratch: string;
let xceptionWeights: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-backbone-cli-"));
  // Exists, so the settings pass, but it is no HDF5 file: loading it fails.
  xceptionWeights = path.join(scratch, "xception_weights_tf_dim_ordering_tf_kernels_notop.h5");
  fs.writeFileSync(xceptionWeights, "");
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs a command in workers/ and returns its exit code and output; never throws for a non-zero exit. */
async function run(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [path.join(root, "workers", script), ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "silent", STYLELENS_DATA_DIR: scratch, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("train backbone settings", () => {
  it("lists the backbone setting in its help", async () => {
    const result = await run("train.ts", ["--help"], {});

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("STYLELENS_BACKBONE");
    expect(result.stdout).toContain("STYLELENS_XCEPTION_WEIGHTS");
  });

  it("rejects an unknown backbone", async () => {
    const result = await run("train.ts", [], { STYLELENS_BACKBONE: "resnet50" });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('train: Invalid STYLELENS_BACKBONE "resnet50": use mobilenet-v1, xception, layers-model\n');
  });

  it("names the Xception weights setting", async () => {
    const result = await run("train.ts", [], { STYLELENS_BACKBONE: "xception", STYLELENS_XCEPTION_WEIGHTS: "" });

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("set STYLELENS_XCEPTION_WEIGHTS to the path of xception_weights_tf_dim_ordering_tf_kernels_notop.h5");
  });

  it("rejects a weight file that is not HDF5", async () => {
    const modelsDir = path.join(scratch, "models-bad-weights");
    const result = await run("train.ts", [], {
      STYLELENS_BACKBONE: "xception",
      STYLELENS_XCEPTION_WEIGHTS: xceptionWeights,
      STYLELENS_MODELS_DIR: modelsDir,
    });

    expect(result.code).toBe(1);
    const line = result.stderr.trim().split("\n").at(-1);
    expect(line).toMatch(/^train: Invalid Keras weight file .*xception_weights_tf_dim_ordering_tf_kernels_notop\.h5/);
    expect(line).toContain("Check STYLELENS_XCEPTION_WEIGHTS");
    expect(fs.existsSync(modelsDir)).toBe(false);
  }, 60_000);

  it("rejects a missing embedding layer", async () => {
    const modelsDir = path.join(scratch, "models-bad-layer");
    const result = await run("train.ts", [], { STYLELENS_BACKBONE_LAYER: "no_such_layer", STYLELENS_MODELS_DIR: modelsDir });

    expect(result.code).toBe(1);
    const line = result.stderr.trim().split("\n").at(-1);
    expect(line).toMatch(/^train: Embedding layer "no_such_layer" not found/);
    expect(line).toContain("Check STYLELENS_BACKBONE_DIR and STYLELENS_BACKBONE_LAYER.");
    expect(fs.existsSync(modelsDir)).toBe(false);
  }, 60_000);

  it("rejects an invalid option in one line", async () => {
    const result = await run("train.ts", ["--workers", "0"], {});

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('train: Invalid --workers "0": use a whole number of at least 1\n');
  });
});

describe("evaluate backbone settings", () => {
  it("rejects heads of another backbone", async () => {
    const out = path.join(scratch, "report.json");
    const args = ["--dataset", scratch, "--out", out, "--model-id", "fusion-mobilenet-v1"];
    const result = await run("evaluate.ts", args, { STYLELENS_BACKBONE: "xception", STYLELENS_XCEPTION_WEIGHTS: xceptionWeights });

    // TensorFlow.js prints a banner on import, so only the last line is the command's own.
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n").at(-1)).toContain(
      "evaluate: Model fusion-mobilenet-v1 was trained on backbone mobilenet-v1-imagenet@conv_dw_13_relu+gap, " +
        "but the configured backbone is xception-imagenet-299@block14_sepconv2_act+gap (STYLELENS_BACKBONE=xception)",
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it("looks for the model of the configured backbone", async () => {
    const args = ["--dataset", scratch, "--out", path.join(scratch, "report.json")];
    const result = await run("evaluate.ts", args, { STYLELENS_BACKBONE: "xception", STYLELENS_XCEPTION_WEIGHTS: xceptionWeights });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("fusion-xception-imagenet-299-block14_sepconv2_act-gap");
  });
});
