/**
 * The library side of `npm run create-admin`: argument parsing and the
 * database write, kept apart from the terminal handling in
 * workers/create-admin.ts so that tests can call them.
 */
import { parseArgs } from "node:util";

import type { Db } from "../db/client";
import { hashPassword } from "./password";
import { ACCOUNT_ERROR_MESSAGES, checkNewPassword, emailSchema } from "./validation";

export const CREATE_ADMIN_USAGE = `Usage: npm run create-admin -- --email EMAIL [--password-stdin] [--update]

Creates a StyleLens administrator account in the database that DATABASE_URL
names (the SQLite file data/stylelens.db by default), applying pending
migrations first.

Options:
  --email EMAIL      the administrator's email address (required)
  --password-stdin   read the password from standard input instead of asking;
                     one trailing newline is removed
  --update           if an account with this email exists, make it an
                     administrator and replace its password
  --help             print this help

Without --password-stdin the command asks for the password twice on the
terminal without echoing it. The password needs at least 12 characters.

Examples:
  npm run create-admin -- --email admin@example.com
  printf '%s' "$ADMIN_PASSWORD" | npm run create-admin -- --email admin@example.com --password-stdin`;

export interface CreateAdminArgs {
  email: string;
  passwordStdin: boolean;
  update: boolean;
}

export type ParsedCreateAdminArgs = { kind: "run"; args: CreateAdminArgs } | { kind: "help" } | { kind: "error"; message: string };

export function parseCreateAdminArgs(argv: string[]): ParsedCreateAdminArgs {
  let values: { email?: string; "password-stdin"?: boolean; update?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: "string" },
        "password-stdin": { type: "boolean" },
        update: { type: "boolean" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: "error", message: (error as Error).message };
  }

  if (values.help) return { kind: "help" };
  if (!values.email) return { kind: "error", message: "Missing --email: pass the administrator's email address." };
  return {
    kind: "run",
    args: { email: values.email, passwordStdin: values["password-stdin"] ?? false, update: values.update ?? false },
  };
}

export type CreateAdminResult =
  | { ok: true; action: "created" | "updated"; userId: string; email: string }
  | { ok: false; message: string };

export type CreateAdminDb = Pick<Db, "user">;

/**
 * Creates an admin user, or with `update` turns an existing account into an
 * admin with the new password. Rejects an invalid email, a weak password, and
 * an existing account without `update`.
 */
export async function createAdmin(
  db: CreateAdminDb,
  input: { email: string; password: string; update?: boolean },
): Promise<CreateAdminResult> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) return { ok: false, message: `Invalid email "${input.email}": ${ACCOUNT_ERROR_MESSAGES.email_invalid}` };

  const weakness = checkNewPassword(input.password, email.data);
  if (weakness) return { ok: false, message: `Weak password: ${ACCOUNT_ERROR_MESSAGES[weakness]}` };

  const existing = await db.user.findUnique({ where: { email: email.data }, select: { id: true, role: true } });
  if (existing && !input.update) {
    return {
      ok: false,
      message:
        `An account with email ${email.data} already exists (role ${existing.role}). ` +
        "Pass --update to make it an administrator and replace its password.",
    };
  }

  const passwordHash = await hashPassword(input.password);
  if (existing) {
    await db.user.update({ where: { id: existing.id }, data: { role: "admin", passwordHash } });
    return { ok: true, action: "updated", userId: existing.id, email: email.data };
  }

  const user = await db.user.create({ data: { email: email.data, role: "admin", passwordHash }, select: { id: true } });
  return { ok: true, action: "created", userId: user.id, email: email.data };
}

/** Removes one trailing newline (LF or CRLF), as `echo` and here-strings add one. */
export function stripTrailingNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}
