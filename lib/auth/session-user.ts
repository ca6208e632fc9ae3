/**
 * The signed-in user as the rest of the app uses it, and the role check that
 * page guards and API guards share.
 *
 * Shoppers browse anonymously, so a session always belongs to a merchant or an
 * admin. The role and merchant are re-read from the database whenever a
 * session is read, so demoting a user or deleting their shop takes effect on
 * their next request instead of when the cookie expires.
 */
import type { UserRole } from "../catalogue/types";
import type { Db } from "../db/client";

export type AccountRole = Exclude<UserRole, "shopper">;

export const ACCOUNT_ROLES: readonly AccountRole[] = ["merchant", "admin"];

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: AccountRole;
  /** The shop a merchant works for, or null for an admin not attached to a shop. */
  merchantId: number | null;
}

export function isAccountRole(value: unknown): value is AccountRole {
  return value === "merchant" || value === "admin";
}

export type SessionUserDb = Pick<Db, "user">;

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: string;
  merchantId: number | null;
}

/**
 * Converts a stored user into a session user. Returns undefined for a user
 * who may not hold a session: a "shopper" or unknown role, or a merchant whose
 * shop was deleted (the schema sets merchantId to null then).
 */
export function toSessionUser(row: UserRow): SessionUser | undefined {
  if (!isAccountRole(row.role)) return undefined;
  if (row.role === "merchant" && row.merchantId === null) return undefined;
  return { id: row.id, email: row.email, name: row.name, role: row.role, merchantId: row.merchantId };
}

export async function loadSessionUser(db: SessionUserDb, userId: string): Promise<SessionUser | undefined> {
  const row = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, role: true, merchantId: true },
  });
  return row ? toSessionUser(row) : undefined;
}

export type AccessDecision = "allowed" | "unauthenticated" | "forbidden";

export function decideAccess(user: SessionUser | undefined, roles: readonly AccountRole[]): AccessDecision {
  if (!user) return "unauthenticated";
  return roles.includes(user.role) ? "allowed" : "forbidden";
}

/**
 * Reads a SessionUser back from the `user` object of an Auth.js session (see
 * the session callback in lib/auth/config.ts). Returns undefined for anything
 * else.
 */
export function parseSessionUser(value: unknown): SessionUser | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const claims = value as Record<string, unknown>;
  const { id, email, name, role, merchantId } = claims;
  if (typeof id !== "string" || typeof email !== "string" || !isAccountRole(role)) return undefined;
  if (merchantId !== null && typeof merchantId !== "number") return undefined;
  return toSessionUser({ id, email, name: typeof name === "string" ? name : null, role, merchantId });
}
