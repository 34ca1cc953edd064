// Issue 17: the evacuation roll call, made from the kiosk's own database only (no MIS, no
// network): the students whose whereabouts the morning register has wrong.
// - on site: their last standing event today is a sign-in that was late, or that brought them
//   back after an early sign-out;
// - off site: their last standing event today is a sign-out (with who collected them).
// Grouped by year and form on screen and paper (shared/roll-call.ts); the JSON is the issue's.
import { createHash } from 'node:crypto';
import type { CollectorRepository, DayEventRow } from '../db/collectors';
import { collectorText, rollCallLines, type RollCall, type RollCallOffSite, type RollCallOnSite } from '../../../shared/roll-call';
import { localClock } from '../../../shared/school-time';
import { stripScanAffixes } from '../../../shared/badge';
import type { SiteSettings } from '../../../shared/settings';
import type { PassLine } from '../../../shared/pass';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { AuditRepository } from '../db/audit';
import type { PassPrinting } from './passes';
import type { PassOutcome, ScanResult } from '../../../shared/ipc/contract';

/** The roll call from the day's standing events (oldest first, as CollectorRepository.day gives them). */
export function buildRollCall(rows: DayEventRow[], at: string): RollCall {
  const byStudent = new Map<string, { rows: DayEventRow[] }>();
  for (const r of rows) {
    const entry = byStudent.get(r.event.studentId) ?? { rows: [] };
    entry.rows.push(r);
    byStudent.set(r.event.studentId, entry);
  }
  const onSite: RollCallOnSite[] = [];
  const offSite: RollCallOffSite[] = [];
  for (const [studentId, { rows: mine }] of byStudent) {
    const last = mine[mine.length - 1]!;
    const base = { studentId, name: `${last.surname}, ${last.forename}`, year: last.year, form: last.form, since: last.event.occurredAt };
    if (last.event.direction === 'sign_out') {
      offSite.push({ ...base, collectedBy: last.collector ? collectorText(last.collector) : null });
      continue;
    }
    const returned = mine.some((r) => r.event.direction === 'sign_out');
    if ((last.event.minutesLate ?? 0) > 0 || returned) onSite.push(base);
  }
  return { at, onSite, offSite };
}

export function rollCallOf(repo: CollectorRepository, localDate: string, at: string): RollCall {
  return buildRollCall(repo.day(localDate), at);
}

/** The roll call as printer lines for this paper, in the school's words and time zone. */
export function rollCallPrintLines(rc: RollCall, settings: SiteSettings, fit: { columns: number; printable: (t: string) => string }): PassLine[] {
  const now = localClock(rc.at, settings.timeZone);
  return rollCallLines(rc, {
    schoolName: settings.schoolName,
    locale: settings.locale,
    localDate: now.date,
    localTime: now.time,
    timeOf: (iso) => localClock(iso, settings.timeZone).time,
    columns: fit.columns,
    printable: fit.printable,
  });
}

/** "sha256:<hex>" of a badge code as the scanner gives it (after prefix/suffix are stripped). */
export function hashBadge(code: string): string {
  return `sha256:${createHash('sha256').update(code, 'utf8').digest('hex')}`;
}

/** Is this (normalised) badge one of the school's roll call badges, in clear or hashed? */
export function isRollCallBadge(badge: string, settings: Pick<SiteSettings, 'rollCall'>): boolean {
  const list = settings.rollCall.badges;
  if (!list.length) return false;
  if (list.includes(badge)) return true;
  const hashed = hashBadge(badge);
  return list.includes(hashed);
}

export interface RollCallDeps {
  collectors: CollectorRepository;
  settings: () => SiteSettings;
  clock: Clock;
  log: Logger;
  audit: AuditRepository;
  passes: PassPrinting;
}

/** The roll call: made, printed, and brought up by a roll call badge at the idle screen. */
export class RollCallService {
  constructor(private readonly d: RollCallDeps) {}

  /** Today's roll call from the kiosk's own database: works with the network and the MIS down. */
  make(): RollCall {
    const settings = this.d.settings();
    const now = this.d.clock.now().toISOString();
    return rollCallOf(this.d.collectors, localClock(now, settings.timeZone).date, now);
  }

  /** To the pass printer, through its own queue. Never throws: a printer fault is an outcome. */
  async print(actor: string, rc: RollCall = this.make()): Promise<PassOutcome> {
    const settings = this.d.settings();
    const outcome = await this.d.passes.document(`roll-call-${rc.at}`, (fit) => rollCallPrintLines(rc, settings, fit), settings);
    this.d.log.info('roll call printed', { actor, onSite: rc.onSite.length, offSite: rc.offSite.length, status: outcome.status });
    this.d.audit.append(this.d.clock.now().toISOString(), actor, 'rollcall.print', null, null, { onSite: rc.onSite.length, offSite: rc.offSite.length, status: outcome.status });
    return outcome;
  }

  /** A scanned code that is one of the school's roll call badges (prefix, suffix, AIM id off), or not. */
  isBadge(code: unknown): boolean {
    const s = this.d.settings();
    if (!s.rollCall.badges.length || typeof code !== 'string' || code.length > 256) return false;
    return isRollCallBadge(stripScanAffixes(code, s.scanner), s);
  }

  /** A roll call badge at the idle screen: the list, already on its way to the printer (no PIN). */
  fromBadge(): ScanResult {
    const rc = this.make();
    // The scan answers at once; the print runs on (the kiosk shows the list meanwhile).
    void this.print('roll_call_badge', rc);
    return { ok: false, reason: 'roll_call', rollCall: rc, printing: this.d.passes.ready };
  }
}
