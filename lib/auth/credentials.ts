/**
 * Email and password sign-in, independent of Auth.js so that it can be tested
 * directly. The Credentials provider in lib/auth/config.ts calls
 * `verifyCredentials` and turns a failure into an Auth.js error.
 */
import type { Db } from "../db/client";
import { logger } from "../logger";
import { consumeAll } from "./rate-limit";
import { hashPassword, passwordNeedsRehash, verifyAgainstDummyHash, verifyPassword } from "./password";
import { toSessionUser, type SessionUser } from "./session-user";
import { accountLimiters, type AccountLimiters } from "./throttle";
import { EMAIL_MAX_LENGTH, normalizeEmail, PASSWORD_MAX_LENGTH } from "./validation";

export type CredentialsResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterMs: number };

export type CredentialsDb = Pick<Db, "user">;

/**
 * Input longer than this is rejected before hashing. Sign-up caps passwords at
 * PASSWORD_MAX_LENGTH characters, and the margin covers characters that take
 * several UTF-16 units.
 */
const MAX_PASSWORD_INPUT = 4 * PASSWORD_MAX_LENGTH;

/**
 * Checks an email and password, counting the attempt against the sign-in
 * limits for `address`. A wrong password and an unknown email return the same
 * reason and, through the dummy hash, take about as long, so the result does
 * not reveal whether the email has an account.
 */
export async function verifyCredentials(
  db: CredentialsDb,
  credentials: { email?: unknown; password?: unknown },
  address: string,
  limiters: AccountLimiters = accountLimiters(),
): Promise<CredentialsResult> {
  const email = typeof credentials.email === "string" ? normalizeEmail(credentials.email) : "";
  const password = typeof credentials.password === "string" ? credentials.password : "";
  const emailAndAddress = `${email}\n${address}`;

  const limit = consumeAll([
    { limiter: limiters.signInByEmailAndAddress, key: emailAndAddress },
    { limiter: limiters.signInByAddress, key: address },
  ]);
  if (!limit.allowed) {
    logger.warn({ email, address, retryAfterMs: limit.retryAfterMs }, "sign-in rejected by rate limit");
    return { ok: false, reason: "rate_limited", retryAfterMs: limit.retryAfterMs };
  }

  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH || password.length === 0 || password.length > MAX_PASSWORD_INPUT) {
    return { ok: false, reason: "invalid" };
  }

  const row = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, role: true, merchantId: true, passwordHash: true },
  });
  if (!row?.passwordHash) {
    await verifyAgainstDummyHash(password);
    logger.info({ email, address }, "sign-in failed: no account with a password for this email");
    return { ok: false, reason: "invalid" };
  }

  if (!(await verifyPassword(password, row.passwordHash))) {
    logger.info({ email, address, userId: row.id }, "sign-in failed: wrong password");
    return { ok: false, reason: "invalid" };
  }

  const user = toSessionUser(row);
  if (!user) {
    logger.warn({ userId: row.id, role: row.role, merchantId: row.merchantId }, "sign-in rejected: the account's role or shop does not allow a session");
    return { ok: false, reason: "invalid" };
  }

  limiters.signInByEmailAndAddress.reset(emailAndAddress);
  if (passwordNeedsRehash(row.passwordHash)) await upgradeHash(db, row.id, password);
  logger.info({ userId: user.id, role: user.role, address }, "signed in");
  return { ok: true, user };
}

/** Re-hashes with the current parameters after a successful sign-in. A failure only costs the upgrade. */
async function upgradeHash(db: CredentialsDb, userId: string, password: string): Promise<void> {
  try {
    await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(password) } });
  } catch (error) {
    logger.error({ err: error, userId }, "password hash upgrade failed, so the old hash stays in use");
  }
}
