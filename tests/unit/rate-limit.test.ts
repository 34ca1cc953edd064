// Issue 16: the token bucket on a busy machine. Its pump runs on a timer; a timer that fires late
// (the CPU busy) must not cost the waiting requests the allowance that elapsed meanwhile — and an
// idle spell or a 429's pause must still not turn into a burst.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenBucket } from '../../electron/core/mis/rate-limit';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-24T09:00:00Z'));
});
afterEach(() => vi.useRealTimers());

function queue(limiter: ReturnType<typeof tokenBucket>, n: number) {
  let released = 0;
  for (let i = 0; i < n; i++) void limiter.acquire().then(() => released++);
  return () => released;
}

/** The event loop was blocked for `ms`: the clock moved, no timer ran. Then the late timer fires. */
async function blockedFor(ms: number) {
  vi.setSystemTime(Date.now() + ms);
  vi.runOnlyPendingTimers();
  await Promise.resolve();
  await Promise.resolve();
}

describe('token bucket', () => {
  it('gives waiting requests what a late timer owed them, up to one second of allowance', async () => {
    const limiter = tokenBucket(100, 10, () => Date.now());
    const released = queue(limiter, 400);
    await Promise.resolve();
    expect(released()).toBe(10); // the burst
    await blockedFor(500);
    // 500 ms at 100/s: about 50 more, not just another burst of 10.
    expect(released()).toBeGreaterThanOrEqual(60);
    expect(released()).toBeLessThanOrEqual(62);
    const before = released();
    await blockedFor(3000);
    expect(released() - before).toBe(100); // at most one second's worth after a long block
  });

  it('after an idle spell, or a 429 pause, starts again with the usual burst only', async () => {
    const limiter = tokenBucket(100, 10, () => Date.now());
    const first = queue(limiter, 5);
    await Promise.resolve();
    expect(first()).toBe(5);
    vi.setSystemTime(Date.now() + 5000); // nobody waited
    const second = queue(limiter, 100);
    await Promise.resolve();
    expect(second()).toBe(10);
    limiter.pauseUntil(Date.now() + 2000); // Retry-After: 2 s
    await blockedFor(2000);
    expect(second()).toBe(20); // one burst after the pause, as before: the pause is not owed back
  });
});
