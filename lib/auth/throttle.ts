/**
 * The account limits: sign-in attempts per email and address and per address,
 * sign-ups per address. Like every limiter in lib/auth/rate-limit.ts they
 * count per process.
 */
import { SlidingWindowLimiter, type RateLimitRule } from "./rate-limit";

const MINUTE_MS = 60_000;

/** Guessing one account's password from one address. Reset by a successful sign-in. */
export const SIGN_IN_PER_EMAIL_AND_ADDRESS: RateLimitRule = { limit: 5, windowMs: 15 * MINUTE_MS };
/** Trying many accounts from one address; looser because an office or campus shares one address. */
export const SIGN_IN_PER_ADDRESS: RateLimitRule = { limit: 30, windowMs: 15 * MINUTE_MS };
export const SIGN_UP_PER_ADDRESS: RateLimitRule = { limit: 5, windowMs: 60 * MINUTE_MS };

export interface AccountLimiters {
  signInByEmailAndAddress: SlidingWindowLimiter;
  signInByAddress: SlidingWindowLimiter;
  signUpByAddress: SlidingWindowLimiter;
}

export function createAccountLimiters(now?: () => number): AccountLimiters {
  return {
    signInByEmailAndAddress: new SlidingWindowLimiter(SIGN_IN_PER_EMAIL_AND_ADDRESS, { now }),
    signInByAddress: new SlidingWindowLimiter(SIGN_IN_PER_ADDRESS, { now }),
    signUpByAddress: new SlidingWindowLimiter(SIGN_UP_PER_ADDRESS, { now }),
  };
}

// One set per process, kept across Next.js dev reloads.
const globalForLimiters = globalThis as unknown as { stylelensAccountLimiters?: AccountLimiters };

export function accountLimiters(): AccountLimiters {
  globalForLimiters.stylelensAccountLimiters ??= createAccountLimiters();
  return globalForLimiters.stylelensAccountLimiters;
}

/**
 * Number of reverse proxies in front of the web server that append the
 * address they saw to X-Forwarded-For. STYLELENS_TRUSTED_PROXIES, default 1.
 */
export function trustedProxyCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STYLELENS_TRUSTED_PROXIES?.trim() || "1";
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 10) {
    throw new Error(`Invalid STYLELENS_TRUSTED_PROXIES "${raw}": use the number of reverse proxies in front of the server, 0 to 10`);
  }
  return value;
}

/**
 * Returns the client's address, used as a rate-limit key.
 *
 * Next.js fills X-Forwarded-For with the socket's address only when the
 * request has no such header, and each proxy appends the address it saw. The
 * entry `trustedProxies` from the right is therefore the address the outermost
 * trusted proxy saw (the last entry when there is no proxy or one).
 *
 * NOTE: Without a proxy that appends to X-Forwarded-For, a client can send the
 * header itself and pick its own address, which defeats the per-address
 * limits. Put the server behind such a proxy before exposing it beyond
 * 127.0.0.1.
 */
export function clientAddress(headers: Headers, trustedProxies: number = trustedProxyCount()): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (forwarded.length > 0) {
    const index = Math.max(0, forwarded.length - Math.max(1, trustedProxies));
    return forwarded[index] as string;
  }
  return headers.get("x-real-ip")?.trim() || "unknown";
}
