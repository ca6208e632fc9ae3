import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { logger } from "../../lib/logger";

/** Inputs of `next build`; a change to any of them triggers a rebuild. */
const BUILD_INPUTS = ["app", "lib", "public", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];
const SKIPPED_FOLDERS = new Set(["node_modules", "generated", ".next"]);

/**
 * Fingerprint of the build inputs from file paths, sizes and modification
 * times: cheap, and a rebuild after touching a file is harmless.
 */
export function fingerprintBuildInputs(root: string): string {
  const hash = createHash("sha256");

  const visit = (relative: string): void => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    const stat = fs.statSync(absolute);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(absolute).sort()) {
        if (!SKIPPED_FOLDERS.has(name)) visit(path.join(relative, name));
      }
      return;
    }
    hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
  };

  BUILD_INPUTS.forEach(visit);
  return hash.digest("hex");
}

/** Runs `next build` unless the last build used the same inputs. */
export async function buildIfStale(root: string): Promise<void> {
  const distDir = path.join(root, process.env.STYLELENS_NEXT_DIST_DIR || ".next");
  const stampPath = path.join(distDir, "stylelens-build.json");
  const fingerprint = fingerprintBuildInputs(root);

  if (fs.existsSync(path.join(distDir, "BUILD_ID")) && fs.existsSync(stampPath)) {
    const stamp = JSON.parse(fs.readFileSync(stampPath, "utf8")) as { fingerprint?: string };
    if (stamp.fingerprint === fingerprint) {
      logger.info("web app build is up to date");
      return;
    }
  }

  logger.info("building the web app (next build)");
  const nextCli = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const result = spawnSync(process.execPath, [nextCli, "build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    throw new Error(`next build failed with exit code ${result.status ?? result.signal}; see its output above`);
  }
  fs.writeFileSync(stampPath, JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }));
}
