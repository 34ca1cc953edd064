// Is a badge pattern broad enough to let a login QR code through? Clever Badges and ClassLink
// QuickCards put a user name and a password (or a sign-in URL with a token) in a QR code; a pupil
// who scans one at the kiosk by mistake must be refused, not looked up, logged or stored. A
// pattern that accepts spaces, ":", "/", "@" or long strings would accept such codes.
//
// Whether a regular expression accepts some string with a given character cannot be decided in
// general, so the pattern is tried on probes: short strings of the shapes badges and login codes
// take, with each risky character at the start, middle and end. Pure: the admin screen shows the
// answer beside the field, and tests/unit/badge-pattern.test.ts holds a table of patterns.

export type BadgePatternRisk = 'space' | 'colon' | 'slash' | 'at' | 'long' | 'login';

/** A badge longer than this is unusual; a pattern that takes it would take a URL or a password. */
export const LONG_BADGE = 32;

const BODIES = ['12345678', 'abcdefgh', 'ABCDEFGH', 'ab12cd34', 'AB12CD34', 'Ab12Cd34'];

function probesWith(ch: string): string[] {
  const out: string[] = [];
  for (const b of BODIES) {
    const half = b.length / 2;
    out.push(`${b.slice(0, half)}${ch}${b.slice(half)}`, `${ch}${b}`, `${b}${ch}`, `${b}${ch}${b}`, `${b.slice(0, 2)}${ch}${b.slice(2, 4)}`);
  }
  return out;
}

/** Shapes of real login QR codes (user name and password, a sign-in link): none is a badge. */
export const LOGIN_CODE_SAMPLES = [
  'ann.smith Summer2024!',
  'ann.smith:Summer2024',
  'ann.smith@school.org',
  'ann.smith@school.org Summer2024!',
  'https://clever.com/in/badges/12345?token=abcd1234',
  'QUICKCARD:ann.smith:Summer2024',
  'user=ann.smith;pass=Summer2024',
  'annsmith Summer2024',
];

const PROBES: [BadgePatternRisk, string[]][] = [
  ['space', probesWith(' ')],
  ['colon', probesWith(':')],
  ['slash', probesWith('/')],
  ['at', probesWith('@')],
  ['long', ['1'.repeat(LONG_BADGE + 1), '1'.repeat(64), 'a'.repeat(LONG_BADGE + 1), 'Ab1'.repeat(20), 'A'.repeat(100)]],
  ['login', LOGIN_CODE_SAMPLES],
];

/**
 * The ways `pattern` is broad enough to accept a login code, in a fixed order; empty when it
 * looks safe. An invalid pattern has no risks here: the settings schema refuses it already.
 */
export function badgePatternRisks(pattern: string): BadgePatternRisk[] {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return [];
  }
  return PROBES.filter(([, probes]) => probes.some((p) => re.test(p))).map(([risk]) => risk);
}

/**
 * What the admin screen says beside the field, as keys under staff.badgePatternRisk: nothing for
 * a safe pattern; otherwise each risk, and "unanchored" when ^ or $ is missing (the kiosk then
 * finds the pattern anywhere inside what was scanned).
 */
export function badgePatternWarning(pattern: string): (BadgePatternRisk | 'unanchored')[] {
  const risks = badgePatternRisks(pattern);
  if (!risks.length) return [];
  const unanchored = !pattern.startsWith('^') || !pattern.endsWith('$');
  return unanchored ? [...risks, 'unanchored'] : risks;
}
