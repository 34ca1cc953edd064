// How long a row waits after a transient failure: exponential, capped, with jitter so that a
// kiosk fleet coming back online does not hammer the MIS in step. A 429's Retry-After wins.
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };

/**
 * Delay before attempt `attempts + 1`, given `attempts` made so far (>= 1). "Equal jitter":
 * half the exponential step is fixed, half random, so waits grow predictably but never align.
 */
export function backoffDelay(attempts: number, policy: BackoffPolicy = defaultBackoff, random: () => number = Math.random, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.round(step / 2 + random() * (step / 2));
}
