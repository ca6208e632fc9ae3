/**
 * In-process sliding-window rate limiting.
 *
 * Each limiter keeps, per key, the times of the requests it allowed during the
 * last window. The counts live in this process's memory: they reset on restart
 * and are not shared between processes, so N web processes together allow up
 * to N times each limit. A deployment with several web processes needs a
 * shared store (Redis or the database) behind the same interface.
 */

export interface RateLimitRule {
  /** Requests allowed per key within one window. */
  limit: number;
  windowMs: number;
}

export type RateLimitDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterMs: number };

export interface SlidingWindowOptions {
  /** Clock in ms, replaced by a fake one in tests. */
  now?: () => number;
  /**
   * Maximum number of keys kept at once. Beyond it the least recently used
   * keys are dropped with their counts, which bounds memory when many
   * distinct keys (for example spoofed addresses) arrive.
   */
  maxKeys?: number;
}

const DEFAULT_MAX_KEYS = 50_000;
/** Expired keys are swept after this many calls. */
const SWEEP_EVERY_CALLS = 1_000;

export class SlidingWindowLimiter {
  readonly rule: RateLimitRule;
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly hits = new Map<string, number[]>();
  private callsSinceSweep = 0;

  constructor(rule: RateLimitRule, options: SlidingWindowOptions = {}) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1) {
      throw new Error(`Invalid rate limit ${rule.limit}: use a whole number of requests, 1 or more`);
    }
    if (!(rule.windowMs > 0)) {
      throw new Error(`Invalid rate limit window ${rule.windowMs} ms: use a positive number of milliseconds`);
    }
    this.rule = rule;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** Returns what `consume` would decide, without recording a request. */
  peek(key: string): RateLimitDecision {
    const now = this.now();
    const recent = this.recentHits(key, now);
    if (recent.length >= this.rule.limit) {
      return { allowed: false, retryAfterMs: (recent[0] as number) + this.rule.windowMs - now };
    }
    return { allowed: true, remaining: this.rule.limit - recent.length };
  }

  /** Records a request for `key` when the limit allows it. A rejected request is not recorded. */
  consume(key: string): RateLimitDecision {
    const now = this.now();
    this.sweepOccasionally(now);

    const recent = this.recentHits(key, now);
    if (recent.length >= this.rule.limit) {
      return { allowed: false, retryAfterMs: (recent[0] as number) + this.rule.windowMs - now };
    }

    recent.push(now);
    // Re-inserting moves the key to the end of the Map's order, which makes
    // the order least recently used first.
    this.hits.delete(key);
    this.hits.set(key, recent);
    this.evictOverflow();
    return { allowed: true, remaining: this.rule.limit - recent.length };
  }

  /** Forgets the requests counted for `key`, for example after a successful sign-in. */
  reset(key: string): void {
    this.hits.delete(key);
  }

  get size(): number {
    return this.hits.size;
  }

  private recentHits(key: string, now: number): number[] {
    const times = this.hits.get(key);
    if (!times) return [];
    const windowStart = now - this.rule.windowMs;
    const firstRecent = times.findIndex((time) => time > windowStart);
    return firstRecent === -1 ? [] : times.slice(firstRecent);
  }

  private sweepOccasionally(now: number): void {
    this.callsSinceSweep += 1;
    if (this.callsSinceSweep < SWEEP_EVERY_CALLS) return;
    this.callsSinceSweep = 0;

    const windowStart = now - this.rule.windowMs;
    for (const [key, times] of this.hits) {
      const newest = times[times.length - 1];
      if (newest === undefined || newest <= windowStart) this.hits.delete(key);
    }
  }

  private evictOverflow(): void {
    while (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest === undefined) return;
      this.hits.delete(oldest);
    }
  }
}

export interface LimitCheck {
  limiter: SlidingWindowLimiter;
  key: string;
}

/**
 * Applies several limits to one request: when any of them is exhausted the
 * request is rejected and none records it, otherwise every limit records it.
 * The maximum wait among the exhausted limits is returned. Safe without locks
 * because the checks run synchronously on one event loop.
 */
export function consumeAll(checks: readonly LimitCheck[]): RateLimitDecision {
  let retryAfterMs = 0;
  for (const { limiter, key } of checks) {
    const decision = limiter.peek(key);
    if (!decision.allowed) retryAfterMs = Math.max(retryAfterMs, decision.retryAfterMs);
  }
  if (retryAfterMs > 0) return { allowed: false, retryAfterMs };

  let remaining = Number.POSITIVE_INFINITY;
  for (const { limiter, key } of checks) {
    const decision = limiter.consume(key);
    if (decision.allowed) remaining = Math.min(remaining, decision.remaining);
  }
  return { allowed: true, remaining };
}

/** Whole seconds for a Retry-After header, at least 1. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
