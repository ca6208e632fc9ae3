import { spawnSync } from "node:child_process";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createAdmin, parseCreateAdminArgs, stripTrailingNewline } from "@/lib/auth/create-admin";
import { verifyPassword } from "@/lib/auth/password";
import { createTestDatabase, testProviders, type TestDatabase } from "@/tests/helpers/databases";

const root = path.resolve(import.meta.dirname, "..");
const STRONG = "correct horse battery staple";

describe("parseCreateAdminArgs", () => {
  it("reads the options", () => {
    expect(parseCreateAdminArgs(["--email", "a@example.com", "--password-stdin"])).toEqual({
      kind: "run",
      args: { email: "a@example.com", passwordStdin: true, update: false },
    });
    expect(parseCreateAdminArgs(["--help"])).toEqual({ kind: "help" });
  });

  it("rejects a missing email and unknown options", () => {
    expect(parseCreateAdminArgs([])).toEqual({ kind: "error", message: "Missing --email: pass the administrator's email address." });
    expect(parseCreateAdminArgs(["--email", "a@example.com", "--role", "x"]).kind).toBe("error");
  });
});

describe("stripTrailingNewline", () => {
  it("removes one LF or CRLF", () => {
    expect(stripTrailingNewline("secret\n")).toBe("secret");
    expect(stripTrailingNewline("secret\r\n")).toBe("secret");
    expect(stripTrailingNewline("secret\n\n")).toBe("secret\n");
    expect(stripTrailingNewline("secret")).toBe("secret");
  });
});

describe.each(testProviders())("createAdmin on %s", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("creates an admin with a hashed password", async () => {
    const result = await createAdmin(database.prisma, { email: " Root@Example.com ", password: STRONG });

    expect(result).toMatchObject({ ok: true, action: "created", email: "root@example.com" });
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    expect(user.role).toBe("admin");
    expect(user.merchantId).toBeNull();
    expect(await verifyPassword(STRONG, user.passwordHash as string)).toBe(true);
  });

  it("rejects a weak password", async () => {
    const result = await createAdmin(database.prisma, { email: "weak@example.com", password: "password" });

    expect(result).toEqual({ ok: false, message: "Weak password: The password must be at least 12 characters long." });
    expect(await database.prisma.user.count({ where: { email: "weak@example.com" } })).toBe(0);
  });

  it("rejects an invalid email", async () => {
    const result = await createAdmin(database.prisma, { email: "root", password: STRONG });

    expect(result.ok).toBe(false);
  });

  it("leaves an existing account alone without --update", async () => {
    const shop = await database.prisma.merchant.create({ data: { slug: "shop", name: "Shop" } });
    await database.prisma.user.create({ data: { email: "owner@example.com", merchantId: shop.id } });

    const rejected = await createAdmin(database.prisma, { email: "owner@example.com", password: STRONG });
    expect(rejected).toEqual({
      ok: false,
      message: "An account with email owner@example.com already exists (role merchant). Pass --update to make it an administrator and replace its password.",
    });

    const updated = await createAdmin(database.prisma, { email: "owner@example.com", password: STRONG, update: true });
    expect(updated).toMatchObject({ ok: true, action: "updated" });
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: "owner@example.com" } });
    expect(user.role).toBe("admin");
  });
});

describe.runIf(testProviders().includes("sqlite"))("npm run create-admin", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });

  afterAll(async () => {
    await database?.drop();
  });

  function run(args: string[], input: string) {
    return spawnSync(path.join(root, "node_modules", ".bin", "tsx"), [path.join(root, "workers", "create-admin.ts"), ...args], {
      cwd: root,
      input,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: database.config.url, LOG_LEVEL: "info" },
      timeout: 60_000,
    });
  }

  it("creates an admin from a password on stdin", async () => {
    const result = run(["--email", "cli@example.com", "--password-stdin"], `${STRONG}\n`);

    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("created administrator");
    expect(result.stdout).not.toContain(STRONG);
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: "cli@example.com" } });
    expect(user.role).toBe("admin");
    expect(await verifyPassword(STRONG, user.passwordHash as string)).toBe(true);
  });

  it("rejects a weak password with exit status 1", async () => {
    const result = run(["--email", "weak-cli@example.com", "--password-stdin"], "hunter2\n");

    expect(result.status).toBe(1);
    expect(result.stdout).toContain("Weak password: The password must be at least 12 characters long.");
    expect(await database.prisma.user.count({ where: { email: "weak-cli@example.com" } })).toBe(0);
  });

  it("prints the usage for invalid arguments with exit status 2", () => {
    const result = run([], "");

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Missing --email");
    expect(result.stderr).toContain("Usage: npm run create-admin -- --email EMAIL");
  });
});
