import { describe, expect, it } from "vitest";

import { consumeAll, retryAfterSeconds, SlidingWindowLimiter } from "./rate-limit";

function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe("SlidingWindowLimiter", () => {
  it("allows the limit, then rejects within the window", () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 3, windowMs: 60_000 }, { now: clock.now });

    expect(limiter.consume("a")).toEqual({ allowed: true, remaining: 2 });
    clock.advance(10_000);
    expect(limiter.consume("a")).toEqual({ allowed: true, remaining: 1 });
    clock.advance(10_000);
    expect(limiter.consume("a")).toEqual({ allowed: true, remaining: 0 });
    clock.advance(10_000);

    // The oldest request (t = 0) leaves the window at t = 60 s, 30 s from now.
    expect(limiter.consume("a")).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });

  it("slides: each request expires on its own", () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 1_000 }, { now: clock.now });

    limiter.consume("a");
    clock.advance(600);
    limiter.consume("a");
    clock.advance(399);
    expect(limiter.consume("a").allowed).toBe(false);

    clock.advance(1); // t = 1000: the first request has left the window, the second has not
    expect(limiter.consume("a")).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.consume("a")).toEqual({ allowed: false, retryAfterMs: 600 });
  });

  it("does not count rejected requests", () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000 }, { now: clock.now });

    limiter.consume("a");
    for (let i = 0; i < 10; i++) {
      clock.advance(50);
      limiter.consume("a");
    }
    clock.advance(500); // t = 1000
    expect(limiter.consume("a").allowed).toBe(true);
  });

  it("keeps keys apart", () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000 });

    expect(limiter.consume("a").allowed).toBe(true);
    expect(limiter.consume("b").allowed).toBe(true);
    expect(limiter.consume("a").allowed).toBe(false);
  });

  it("reset forgets a key", () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000 });

    limiter.consume("a");
    limiter.reset("a");
    expect(limiter.consume("a").allowed).toBe(true);
  });

  it("peek does not record", () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000 });

    expect(limiter.peek("a")).toEqual({ allowed: true, remaining: 1 });
    expect(limiter.peek("a")).toEqual({ allowed: true, remaining: 1 });
    expect(limiter.consume("a").allowed).toBe(true);
  });

  it("evicts least recently used keys beyond maxKeys", () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 60_000 }, { maxKeys: 2 });

    limiter.consume("a");
    limiter.consume("b");
    limiter.consume("c");

    expect(limiter.size).toBe(2);
    expect(limiter.consume("a").allowed).toBe(true); // "a" was evicted, so its count is gone
    expect(limiter.consume("c").allowed).toBe(false);
  });

  it("rejects invalid rules", () => {
    expect(() => new SlidingWindowLimiter({ limit: 0, windowMs: 1_000 })).toThrow(/Invalid rate limit 0/);
    expect(() => new SlidingWindowLimiter({ limit: 1, windowMs: 0 })).toThrow(/Invalid rate limit window/);
  });
});

describe("consumeAll", () => {
  it("records in every limiter when all allow", () => {
    const tight = new SlidingWindowLimiter({ limit: 2, windowMs: 1_000 });
    const loose = new SlidingWindowLimiter({ limit: 5, windowMs: 1_000 });

    const decision = consumeAll([
      { limiter: tight, key: "k" },
      { limiter: loose, key: "k" },
    ]);

    expect(decision).toEqual({ allowed: true, remaining: 1 });
    expect(loose.peek("k")).toEqual({ allowed: true, remaining: 4 });
  });

  it("records nowhere when one rejects and returns the longest wait", () => {
    const clock = fakeClock();
    const shortWindow = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000 }, { now: clock.now });
    const longWindow = new SlidingWindowLimiter({ limit: 1, windowMs: 10_000 }, { now: clock.now });
    const open = new SlidingWindowLimiter({ limit: 5, windowMs: 1_000 }, { now: clock.now });
    shortWindow.consume("k");
    longWindow.consume("k");

    const decision = consumeAll([
      { limiter: shortWindow, key: "k" },
      { limiter: longWindow, key: "k" },
      { limiter: open, key: "k" },
    ]);

    expect(decision).toEqual({ allowed: false, retryAfterMs: 10_000 });
    expect(open.peek("k")).toEqual({ allowed: true, remaining: 5 });
  });
});

describe("retryAfterSeconds", () => {
  it("rounds up to whole seconds, at least 1", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_000)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});
