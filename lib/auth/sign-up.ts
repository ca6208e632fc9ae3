/**
 * Merchant sign-up: one Merchant (the shop) and its first User with the
 * "merchant" role, written together.
 */
import { randomBytes } from "node:crypto";

import type { Db } from "../db/client";
import { logger } from "../logger";
import { hashPassword } from "./password";
import type { SessionUser } from "./session-user";
import { accountLimiters, type AccountLimiters } from "./throttle";
import { parseSignUp, type FieldErrors, type SignUpField, type SignUpInput } from "./validation";

export type SignUpDb = Pick<Db, "user">;

export interface RegisteredMerchant {
  user: SessionUser;
  merchant: { id: number; slug: string; name: string };
}

export type SignUpResult = { ok: true; value: RegisteredMerchant } | { ok: false; code: "email_taken" };

export type SignUpAttempt =
  | { ok: true; value: RegisteredMerchant }
  | { ok: false; reason: "invalid"; fieldErrors: FieldErrors<SignUpField> }
  | { ok: false; reason: "rate_limited"; retryAfterMs: number };

/**
 * Runs the whole sign-up for the form and the JSON API: validates `raw`,
 * counts the attempt against the per-address limit, then creates the shop and
 * user. Invalid input is not counted, so correcting a typo costs nothing. A
 * duplicate email is counted, which slows down probing for registered emails.
 */
export async function signUpMerchant(
  db: SignUpDb,
  raw: Record<string, unknown>,
  address: string,
  limiters: AccountLimiters = accountLimiters(),
): Promise<SignUpAttempt> {
  const parsed = parseSignUp(raw);
  if (!parsed.ok) return { ok: false, reason: "invalid", fieldErrors: parsed.fieldErrors };

  const limit = limiters.signUpByAddress.consume(address);
  if (!limit.allowed) {
    logger.warn({ address, retryAfterMs: limit.retryAfterMs }, "sign-up rejected by rate limit");
    return { ok: false, reason: "rate_limited", retryAfterMs: limit.retryAfterMs };
  }

  const result = await registerMerchant(db, parsed.value);
  if (!result.ok) return { ok: false, reason: "invalid", fieldErrors: { email: result.code } };
  return result;
}

/** Slugs tried (the plain one, then random suffixes) before a sign-up fails on slug collisions. */
const SLUG_ATTEMPTS = 5;
const SLUG_MAX_LENGTH = 48;

/**
 * Creates the shop and its merchant user. Prisma runs the nested create in one
 * transaction, so a failure leaves neither row behind.
 * `input` must come from `parseSignUp` (normalised email, checked password).
 */
export async function registerMerchant(db: SignUpDb, input: SignUpInput): Promise<SignUpResult> {
  // Hash before touching the database: it takes a few hundred ms and must not
  // hold a SQLite write lock meanwhile.
  const passwordHash = await hashPassword(input.password);
  const baseSlug = slugify(input.shopName);

  for (let attempt = 0; attempt < SLUG_ATTEMPTS; attempt++) {
    const slug = attempt === 0 ? baseSlug : `${baseSlug}-${randomBytes(3).toString("hex")}`;
    try {
      const user = await db.user.create({
        data: {
          email: input.email,
          passwordHash,
          role: "merchant",
          merchant: { create: { slug, name: input.shopName } },
        },
        select: {
          id: true,
          email: true,
          name: true,
          merchant: { select: { id: true, slug: true, name: true } },
        },
      });
      const merchant = user.merchant as { id: number; slug: string; name: string };
      logger.info({ userId: user.id, merchantId: merchant.id, slug }, "merchant signed up");
      return {
        ok: true,
        value: {
          user: { id: user.id, email: user.email, name: user.name, role: "merchant", merchantId: merchant.id },
          merchant,
        },
      };
    } catch (error) {
      if (!isUniqueConstraintError(error)) throw error;
      // Rather than parse the adapter-specific error metadata, look the email
      // up: an existing one ends the sign-up, otherwise the slug clashed.
      const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (existing) {
        logger.info({ email: input.email }, "sign-up rejected: email already registered");
        return { ok: false, code: "email_taken" };
      }
    }
  }
  throw new Error(`Could not find a free shop slug for "${input.shopName}" after ${SLUG_ATTEMPTS} attempts`);
}

/** Converts a shop name to lower-case ASCII letters, digits and dashes, or "shop" when nothing is left (a Chinese name, say). */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/, "");
  return slug.length > 0 ? slug : "shop";
}

function isUniqueConstraintError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
