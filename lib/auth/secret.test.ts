import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { authSecret, authSecretPath } from "./secret";

const folders: string[] = [];

/** Next.js types process.env with a required NODE_ENV; these tests pass partial environments. */
function env(values: Record<string, string>): NodeJS.ProcessEnv {
  return values as NodeJS.ProcessEnv;
}

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stylelens-secret-"));
  folders.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("authSecret", () => {
  it("uses AUTH_SECRET when set", () => {
    const secret = "x".repeat(40);

    expect(authSecret(env({ AUTH_SECRET: secret, STYLELENS_DATA_DIR: tempDataDir() }))).toBe(secret);
  });

  it("rejects a short AUTH_SECRET", () => {
    expect(() => authSecret(env({ AUTH_SECRET: "short" }))).toThrow(/AUTH_SECRET is too short \(5 characters\)/);
  });

  it("generates and stores a secret when unset", () => {
    const environment = env({ STYLELENS_DATA_DIR: tempDataDir() });

    const secret = authSecret(environment);
    const file = authSecretPath(environment);

    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(file, "utf8").trim()).toBe(secret);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(authSecret(environment)).toBe(secret);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["auth-secret"]);
  });

  it("reads an existing secret file", () => {
    const environment = env({ STYLELENS_DATA_DIR: tempDataDir() });
    const stored = "s".repeat(43);
    fs.writeFileSync(authSecretPath(environment), `${stored}\n`);

    expect(authSecret(environment)).toBe(stored);
  });

  it("rejects a truncated secret file", () => {
    const environment = env({ STYLELENS_DATA_DIR: tempDataDir() });
    fs.writeFileSync(authSecretPath(environment), "abc\n");

    expect(() => authSecret(environment)).toThrow(/Invalid session secret in .*auth-secret: it has 3 characters/);
  });
});
