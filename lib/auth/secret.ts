/**
 * The key Auth.js uses to encrypt session cookies (JWE) and sign its CSRF
 * token.
 *
 * AUTH_SECRET wins when set. Otherwise the embedded default generates a random
 * secret on first use and stores it in `<data dir>/auth-secret` (mode 0600),
 * so `npm start` works without setup and sessions survive restarts. Deleting
 * that file signs everyone out. Several web servers behind one address must
 * share one AUTH_SECRET, because each would otherwise generate its own.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { dataDir } from "../config";
import { logger } from "../logger";

/** 32 random bytes encode to 43 base64url characters; shorter secrets are rejected. */
export const AUTH_SECRET_MIN_LENGTH = 32;

const SECRET_FILE_NAME = "auth-secret";

export function authSecretPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), SECRET_FILE_NAME);
}

const cachedFileSecrets = new Map<string, string>();

/** Returns AUTH_SECRET, else the secret stored under the data folder, creating it on first use. */
export function authSecret(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.AUTH_SECRET?.trim();
  if (configured) {
    if (configured.length < AUTH_SECRET_MIN_LENGTH) {
      throw new Error(
        `AUTH_SECRET is too short (${configured.length} characters): use at least ${AUTH_SECRET_MIN_LENGTH}, ` +
          `for example the output of \`openssl rand -base64 32\`, or unset it to use a generated secret in ${authSecretPath(env)}`,
      );
    }
    return configured;
  }

  const file = authSecretPath(env);
  const cached = cachedFileSecrets.get(file);
  if (cached) return cached;

  const secret = readOrCreateSecretFile(file);
  cachedFileSecrets.set(file, secret);
  return secret;
}

function readOrCreateSecretFile(file: string): string {
  if (!fs.existsSync(file)) createSecretFile(file);

  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < AUTH_SECRET_MIN_LENGTH) {
    throw new Error(
      `Invalid session secret in ${file}: it has ${secret.length} characters, at least ${AUTH_SECRET_MIN_LENGTH} are needed. ` +
        `Delete the file to generate a new one (this signs everyone out) or set AUTH_SECRET.`,
    );
  }
  return secret;
}

/**
 * Writes a new secret to a temporary file and hard-links it into place.
 * link() fails when the target exists, so two processes starting at once
 * cannot overwrite each other's secret or read a half-written file: the loser
 * reads the winner's.
 */
function createSecretFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, `${randomBytes(32).toString("base64url")}\n`, { flag: "wx", mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
    logger.info({ file }, "generated a new session secret (set AUTH_SECRET to use your own)");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}
