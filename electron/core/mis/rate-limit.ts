// A token bucket shared by every request a connector makes, so a backlog drains at the rate the
// MIS allows instead of bursting into 429s; a 429's Retry-After pauses the whole bucket.
export interface RateLimiter {
  acquire(): Promise<void>;
  /** Hold every request until this epoch-ms instant (a 429's Retry-After). */
  pauseUntil(atMs: number): void;
}

export function tokenBucket(perSecond: number, burst = Math.max(1, Math.ceil(perSecond / 10)), now: () => number = Date.now): RateLimiter {
  let tokens = burst;
  let last = now();
  let pausedUntil = 0;
  const waiters: (() => void)[] = [];
  let timer: NodeJS.Timeout | null = null;

  // Issue 16 (a drain reached 0.78 of the allowed rate with the CPU busy): the pump runs on a
  // timer, and on a busy machine the timer fires late. The bucket held at most `burst` (a tenth of
  // a second's worth), so every late wake-up beyond that threw away allowance the requests
  // waiting all along were owed. While requests wait, what the elapsed time gave is kept, up to
  // one second's worth: sending it after a gap in which nothing was sent keeps every one-second
  // window within the same bound (rate + burst) as before. After an idle spell the cap is `burst`.
  let waitingSince: number | null = null;
  const refill = () => {
    const t = now();
    const owed = waitingSince !== null && waitingSince <= last && last >= pausedUntil;
    const cap = owed ? Math.max(burst, Math.min(perSecond, tokens + ((t - last) / 1000) * perSecond)) : burst;
    tokens = Math.min(cap, tokens + ((t - last) / 1000) * perSecond);
    last = t;
  };

  const pump = () => {
    timer = null;
    refill();
    const t = now();
    while (waiters.length > 0 && t >= pausedUntil && tokens >= 1) {
      tokens -= 1;
      waiters.shift()!();
    }
    if (waiters.length === 0) {
      waitingSince = null;
      // Owed tokens not used (the queue emptied): back to the usual cap.
      tokens = Math.min(tokens, burst);
      return;
    }
    waitingSince ??= t;
    const waitMs = t < pausedUntil ? pausedUntil - t : Math.ceil(((1 - tokens) / perSecond) * 1000);
    timer = setTimeout(pump, Math.max(1, waitMs));
  };

  return {
    acquire() {
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        if (!timer) pump();
      });
    },
    pauseUntil(atMs) {
      if (atMs <= pausedUntil) return;
      pausedUntil = atMs;
      tokens = 0;
      waitingSince = null; // a 429's pause is not owed back
      last = now();
      if (timer) clearTimeout(timer);
      timer = null;
      if (waiters.length) pump();
    },
  };
}

export const unlimited: RateLimiter = { acquire: () => Promise.resolve(), pauseUntil() {} };
