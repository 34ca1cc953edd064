// Time comes in through a Clock so tests and the CLI's `--at` can say "it is 09:05 in London".
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: string | Date): Clock & { set(at: string | Date): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set(next) {
      current = new Date(next);
    },
  };
}
