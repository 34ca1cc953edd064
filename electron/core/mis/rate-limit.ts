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

  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
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
    if (waiters.length === 0) return;
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
      last = now();
      if (timer) clearTimeout(timer);
      timer = null;
      if (waiters.length) pump();
    },
  };
}

export const unlimited: RateLimiter = { acquire: () => Promise.resolve(), pauseUntil() {} };
