// Issue 18: lateness data for the e2e tests and screenshots: a threshold rule, and four school
// weeks of late sign-ins recorded through the real core (so the counts come from its triggers).
import type { KioskHarness } from './fixtures';
import { SCHOOL_MORNING } from './fixtures';
import type { LateRule } from '../../shared/lateness';

export const THREE_A_WEEK: LateRule = {
  id: 'three-a-week',
  count: 3,
  period: 'week',
  message: { 'en-GB': '{ordinal} late this week — see your head of year at break', 'en-US': '{ordinal} tardy this week — see your grade dean at break' },
  staffEmail: null,
  everyLateAfter: true,
};

/** The rule, and the school's autumn term with its half-term. */
export function lateRules(kiosk: KioskHarness, locale: 'en-GB' | 'en-US' = 'en-GB'): void {
  kiosk.configure({
    locale,
    lateness: { terms: [{ name: 'Autumn', start: '2026-09-02', end: '2026-12-18', halfTermStart: '2026-11-02' }], thresholds: [THREE_A_WEEK] },
  });
}

const REASONS = ['traffic', 'transport', 'overslept', 'traffic', 'other', 'transport', 'traffic', 'medical'];

/**
 * Lates from Monday 2 November to Monday 23 November 2026 (the four weeks before the fixtures'
 * Tuesday): a made-up but steady pattern, more on Mondays, some students late often.
 * Returns how many were recorded. The clock is left at the fixtures' morning.
 */
export async function seedFourWeeks(kiosk: KioskHarness): Promise<number> {
  let n = 0;
  const start = Date.parse('2026-11-02T09:00:00Z');
  for (let day = 0; day < 22; day++) {
    const date = new Date(start + day * 86_400_000);
    const weekday = date.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const count = 3 + ((day * 7) % 5) + (weekday === 1 ? 4 : 0);
    for (let k = 0; k < count; k++) {
      // Students 1-12 are late often; the rest now and then.
      const student = k < 3 ? 1 + ((day + k) % 4) : 5 + ((day * 13 + k * 17) % 120);
      const minutes = 3 + ((day * 11 + k * 7) % 38);
      kiosk.clock.set(new Date(date.getTime() + minutes * 60_000).toISOString());
      await kiosk.core.record({ studentId: `demo-${student}`, direction: 'sign_in', reasonId: REASONS[(day + k) % REASONS.length]!, ...(REASONS[(day + k) % REASONS.length] === 'other' ? { note: 'Dentist' } : {}) });
      n++;
    }
  }
  kiosk.clock.set(SCHOOL_MORNING);
  return n;
}
