// One normaliser for every scanner (keyboard wedge and HID POS): what counts as a badge.
// A scan that does not look like a badge may be a password (Clever Badges, ClassLink
// QuickCards): it is refused and never stored or logged verbatim.
import type { ScanRejection } from './model';

export const MAX_SCAN_LENGTH = 128;

export interface BadgeRules {
  badgePattern: string;
  prefix: string;
  suffix: string;
}

export type NormalisedScan = { ok: true; badge: string } | { ok: false; reason: ScanRejection };

// AIM symbology identifiers (ISO/IEC 15424) such as "]C0" (Code 128) or "]Q1" (QR) that HID POS
// scanners put before the data.
const AIM_ID = /^\][A-Za-z][0-9A-Za-z]/;

/** The scanner's prefix and suffix, a trailing newline and an AIM symbology id off a raw scan. */
export function stripScanAffixes(raw: string, rules: Pick<BadgeRules, 'prefix' | 'suffix'>): string {
  let code = raw.replace(/[\r\n]+$/, '');
  if (rules.prefix && code.startsWith(rules.prefix)) code = code.slice(rules.prefix.length);
  if (rules.suffix && code.endsWith(rules.suffix)) code = code.slice(0, -rules.suffix.length);
  return code.replace(AIM_ID, '').trim();
}

export function normaliseScan(raw: string, rules: BadgeRules): NormalisedScan {
  if (typeof raw !== 'string') return { ok: false, reason: 'empty' };
  if (raw.length > MAX_SCAN_LENGTH) return { ok: false, reason: 'too_long' };
  const code = stripScanAffixes(raw, rules);
  if (code.length === 0) return { ok: false, reason: 'empty' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(code)) return { ok: false, reason: 'control_chars' };
  const pattern = badgeRegExp(rules.badgePattern);
  if (!pattern || !pattern.test(code)) return { ok: false, reason: 'bad_pattern' };
  return { ok: true, badge: code };
}

/** The site's badge pattern, compiled once while it stays the same (a roster import checks 50,000 badges); null if it does not compile. */
let compiled: { source: string; pattern: RegExp | null } | null = null;
function badgeRegExp(source: string): RegExp | null {
  if (compiled?.source !== source) {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(source); // no flags: test() keeps no state between badges
    } catch {
      pattern = null;
    }
    compiled = { source, pattern };
  }
  return compiled.pattern;
}
