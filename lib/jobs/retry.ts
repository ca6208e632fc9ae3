import type { RetryPolicy } from "./types";

/**
 * Default retry policy. With the default of 5 attempts the retries wait up to
 * 10 s, 20 s, 40 s and 80 s. That rides out a busy database or a restarting
 * worker, and a broken image is still reported within a few minutes. The
 * jitter spreads out the retries of a batch that failed together.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 10_000,
  maxDelayMs: 30 * 60_000,
  jitter: 0.2,
  random: Math.random,
};

/**
 * Computes the wait before the next attempt after `attempts` failed runs:
 * base · 2^(attempts − 1), capped at maxDelayMs, then reduced by up to
 * `jitter` of itself at random. The result is in ms and never negative.
 */
export function retryDelayMs(attempts: number, policy: Partial<RetryPolicy> = {}): number {
  const { baseDelayMs, maxDelayMs, jitter, random } = { ...DEFAULT_RETRY_POLICY, ...policy };
  const exponent = Math.max(0, attempts - 1);
  // 2^exponent overflows to Infinity for large exponents, which the cap handles.
  const capped = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
  const jitterFraction = Math.min(1, Math.max(0, jitter));
  return Math.max(0, Math.round(capped * (1 - jitterFraction * random())));
}
