// Lateness follow-up (issue 18): threshold rules checked when a late sign-in is committed, the
// alerts that the pass, the done screen and Today show, the staff email, and the report behind
// the admin's "This week" and `kiosk report`.
//
// The counts themselves are kept by the database: a late sign-in's insert trigger notes it in
// late_pending, in the event's own transaction (migration 013), and the counts are caught up
// from those notes in one batch a second later, off the scan path (db/late-counts.ts); every
// read of the counts catches up first, and the threshold check adds the pending lates.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/database';
import { LateCountRepository, type LateAlertRow } from '../../db/late-counts';
import type { Logger } from '../../logging/logger';
import type { SignEvent } from '../../../../shared/model';
import type { SiteSettings } from '../../../../shared/settings';
import { splitReasonLabel } from '../../../../shared/settings';
import {
  addDays,
  mondayOf,
  periodOf,
  reportCsv,
  periodsOverlapping,
  ruleLabel,
  ruleMessage,
  type LateReportDetail,
  type LateRule,
  type ReportTable,
} from '../../../../shared/lateness';
import { isCalendarDate, weekdayOf } from '../../../../shared/school-time';

/** The admin's "This week" range: the last four school weeks, Monday three weeks ago to today. */
export function lastFourWeeks(today: string): { from: string; to: string } {
  return { from: addDays(mondayOf(today), -21), to: today };
}

/** The report's range from the CLI or the admin: refused with what to fix. */
export function checkRange(from: string, to: string): string | null {
  if (!isCalendarDate(from) || !isCalendarDate(to)) return 'Give dates as YYYY-MM-DD, such as 2026-11-02.';
  if (from > to) return `The start (${from}) is after the end (${to}); swap them.`;
  if (Date.parse(to) - Date.parse(from) > 400 * 86_400_000) return 'Choose at most about a year (400 days) at a time.';
  return null;
}

/** A threshold a late sign-in reached. */
export interface LateAlert {
  ruleId: string;
  count: number;
  /** In the school's locale, ready for the pass: "3rd late this week — see your head of year". */
  message: string;
}

/**
 * Where a threshold email goes: the message outbox of issue 17 (electron/core/messages/), which
 * keeps it durably and sends it with its retries and give-up (runtime/ wires it). `queue` answers
 * false when e-mail is not set up there: the alert then waits in late_alerts (emailed_at NULL)
 * and goes with a later drain, once the school has set up its mail server.
 */
export interface LatenessMailPort {
  queue(mail: { eventId: string; studentId: string; to: string; subject: string; text: string }): boolean;
}

const TOP_REASONS = 5;
/** Threshold e-mails handed to the message outbox per drain (one page of unsent alerts). */
const EMAILS_PER_DRAIN = 100;

/** Unsent alerts (in the order they were raised) as one list per sign-in and address. */
function alertsBySignInAndAddress(rows: LateAlertRow[]): LateAlertRow[][] {
  const groups = new Map<string, LateAlertRow[]>();
  for (const a of rows) {
    const key = `${a.eventId}\n${a.emailTo!.trim().toLowerCase()}`;
    const g = groups.get(key);
    if (g) g.push(a);
    else groups.set(key, [a]);
  }
  return [...groups.values()];
}

/** Notes folded into the counts per background step (about 5 ms on the bench machine). */
const CATCH_UP_STEP = 100;

export class LatenessService {
  readonly counts: LateCountRepository;
  mail: LatenessMailPort | null = null;
  private catchUpTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    db: Db,
    private readonly settings: () => SiteSettings,
    private readonly log: Logger,
  ) {
    this.counts = new LateCountRepository(db);
  }

  /**
   * Call INSIDE the transaction that committed a standing event (after its insert): the counts
   * already include it. Returns the thresholds it reached; each is stored with the event.
   */
  onCommitted(event: SignEvent): LateAlert[] {
    if (event.direction !== 'sign_in' || !event.minutesLate || event.minutesLate <= 0 || event.supersededBy) return [];
    this.scheduleCatchUp();
    const s = this.settings();
    const { terms, thresholds: rules } = s.lateness;
    if (rules.length === 0) return [];
    const alerts: LateAlert[] = [];
    for (const rule of rules) {
      const period = periodOf(rule.period, event.localDate, terms, s.locale);
      const count = this.counts.count(event.studentId, period.start, period.end);
      const fires = count === rule.count || (rule.everyLateAfter && count > rule.count);
      if (!fires) continue;
      const message = ruleMessage(rule, count, s.locale);
      // The email goes when the student reaches the rule, not again for each later late.
      const emailTo = rule.staffEmail && count === rule.count ? rule.staffEmail : null;
      this.counts.insertAlert({ eventId: event.id, ruleId: rule.id, periodStart: period.start, count, message, emailTo, emailedAt: null });
      alerts.push({ ruleId: rule.id, count, message });
      if (emailTo) this.log.info('lateness threshold reached', { rule: rule.id, count, student: event.studentId });
    }
    return alerts;
  }

  /**
   * Fold the pending lates into the counts a second from now (one batch for a queue of students),
   * so the admin's charts and the pending list stay small. Nothing is lost if this never runs:
   * the notes are in the database and every read of the counts catches up first.
   */
  private scheduleCatchUp(delayMs = 1000): void {
    if (this.catchUpTimer || this.stopped) return;
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = null;
      try {
        // A step of a few ms: a backlog (sign-ins written by another process, say) is folded
        // in step after step, never in one stall a student at the kiosk would feel.
        if (this.counts.catchUp(CATCH_UP_STEP) === CATCH_UP_STEP) this.scheduleCatchUp(0);
      } catch (e) {
        // A busy or closing database: the next sign-in or the next read catches up instead.
        this.log.warn('lateness counts not caught up yet', { error: (e as Error).message });
      }
    }, delayMs);
    this.catchUpTimer.unref?.();
  }

  /** Before the database closes: no catch-up may run after it. */
  stop(): void {
    this.stopped = true;
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer);
    this.catchUpTimer = null;
  }

  /** The alerts stored with an event (a reprint prints them again). */
  alertsOf(eventId: string): LateAlert[] {
    return this.counts.alertsOf(eventId).map(({ ruleId, count, message }) => ({ ruleId, count, message }));
  }

  /** Today's alerts by student (the receptionist's flags). */
  alertsOnDay(localDate: string): Map<string, LateAlert[]> {
    const out = new Map<string, LateAlert[]>();
    for (const a of this.counts.alertsOnDay(localDate)) {
      const list = out.get(a.studentId) ?? [];
      if (!list.some((x) => x.ruleId === a.ruleId && x.count >= a.count)) list.push({ ruleId: a.ruleId, count: a.count, message: a.message });
      out.set(a.studentId, list);
    }
    return out;
  }

  /**
   * Send the threshold emails still waiting. With no mail port, nothing goes and the rows wait
   * (the log says so once per call): never a lost notice.
   */
  drainEmails(nowIso: string): { sent: number; waiting: number } {
    const rows = this.counts.unsentEmails(EMAILS_PER_DRAIN);
    if (!this.mail) {
      if (rows.length) this.log.warn('lateness emails waiting: no mail outbox is configured', { waiting: rows.length });
      return { sent: 0, waiting: rows.length };
    }
    // One e-mail per sign-in and address: a late that reaches two rules at once ("3 in a week" and
    // "10 in a term"), both told to the attendance office, is one notice naming both. The outbox
    // keeps one message per sign-in and address (migration 012), and a second notice was dropped
    // there while its alert was marked as e-mailed. So a page is cut between sign-ins: where it is
    // full, its last sign-in (whose alerts may go on past it) waits for the next drain, whole.
    let page = rows;
    if (rows.length === EMAILS_PER_DRAIN) {
      const last = rows[rows.length - 1]!.eventId;
      const whole = rows.filter((a) => a.eventId !== last);
      // (A page of one sign-in cannot happen: at most 20 rules.)
      if (whole.length) page = whole;
    }
    let sent = 0;
    let notSetUp = false;
    for (const group of alertsBySignInAndAddress(page)) {
      const first = group[0]!;
      const d = this.describe(group);
      let taken: boolean;
      try {
        taken = this.mail.queue({ eventId: first.eventId, studentId: this.counts.alertStudent(first.eventId)?.studentId ?? '', to: first.emailTo!, subject: d.subject, text: d.text });
        notSetUp = !taken;
      } catch (e) {
        this.log.warn('lateness email not queued; it will be tried again', { rules: group.map((a) => a.ruleId), error: (e as Error).message });
        taken = false;
      }
      if (!taken) break;
      // "Emailed" here means handed to the message outbox, which owns the sending from now on.
      this.counts.markEmailed(group, nowIso);
      sent += group.length;
    }
    if (notSetUp) this.log.warn('lateness emails waiting: e-mail is not set up under Settings → Messages home', { waiting: rows.length - sent });
    return { sent, waiting: rows.length - sent };
  }

  /**
   * The staff email for the alerts of one sign-in to one address: who, which rules, when; no
   * reason or time of day.
   */
  describe(alerts: LateAlertRow[]): { subject: string; text: string } {
    const s = this.settings();
    const who = this.counts.alertStudent(alerts[0]!.eventId);
    const name = who ? `${who.forename} ${who.surname}` : 'A student';
    const group = who ? [who.year !== null ? (s.locale === 'en-US' ? `Grade ${who.year}` : `Year ${who.year}`) : null, who.form].filter(Boolean).join(', ') : '';
    const reached = alerts.map((a) => {
      const rule = this.rule(a.ruleId);
      return { a, period: rule?.period === 'week' ? 'week' : 'period', text: rule ? ruleLabel(rule, s.locale) : a.ruleId };
    });
    const whoLine = `${name}${group ? ` (${group})` : ''}`;
    const date = who?.localDate ?? alerts[0]!.periodStart;
    const footer = ['', `Sent by the Passdesk kiosk at ${s.schoolName}. The rules are under Settings → Lateness.`];
    if (reached.length === 1) {
      const { a, period, text } = reached[0]!;
      return {
        subject: `${s.schoolName}: ${name} reached "${text}"`,
        text: [`${whoLine} signed in late on ${date}: ${a.count} in this ${period} (from ${a.periodStart}).`, `The pass said: ${a.message}`, ...footer].join('\n'),
      };
    }
    const quoted = reached.map((r) => `"${r.text}"`);
    return {
      subject: `${s.schoolName}: ${name} reached ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`,
      text: [
        `${whoLine} signed in late on ${date} and reached ${reached.length} rules:`,
        ...reached.map(({ a, period, text }) => `- "${text}": ${a.count} in this ${period} (from ${a.periodStart}). The pass said: ${a.message}`),
        ...footer,
      ].join('\n'),
    };
  }

  // ---- the report -------------------------------------------------------------------------

  /** The figures of [from, to] (school-local dates, inclusive). */
  report(from: string, to: string): LateReportDetail {
    const s = this.settings();
    const rows = this.counts.byDayYearForm(from, to);
    const byDay = new Map<string, number>();
    const byYear = new Map<number | null, number>();
    const byForm = new Map<string | null, number>();
    let lates = 0;
    for (const r of rows) {
      lates += r.lates;
      byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.lates);
      byYear.set(r.year, (byYear.get(r.year) ?? 0) + r.lates);
      byForm.set(r.form, (byForm.get(r.form) ?? 0) + r.lates);
    }
    // Every school day of the range, zero or not, so a chart's gaps are real (weekends left out
    // unless someone was late on one).
    const days: { date: string; lates: number }[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) {
      const n = byDay.get(d) ?? 0;
      if (n > 0 || weekdayOf(d) <= 5) days.push({ date: d, lates: n });
    }
    const reasons = this.counts.reasonsAndMinutes(from, to);
    const reasonCounts = new Map<string, number>();
    let held = 0;
    let minutes = 0;
    for (const r of reasons) {
      held += r.count;
      minutes += r.minutes;
      const label = r.reason === null ? '—' : splitReasonLabel(r.reason).text;
      reasonCounts.set(label, (reasonCounts.get(label) ?? 0) + r.count);
    }
    const topReasons = [...reasonCounts]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, TOP_REASONS);
    return {
      from,
      to,
      lates,
      byDay: days,
      byYear: [...byYear].map(([year, n]) => ({ year, lates: n })).sort((a, b) => (a.year ?? 99) - (b.year ?? 99)),
      topReasons,
      averageMinutesLate: held ? Math.round((minutes / held) * 10) / 10 : null,
      overThreshold: this.overThreshold(from, to, s),
      byForm: [...byForm].map(([form, n]) => ({ form, lates: n })).sort((a, b) => b.lates - a.lates || String(a.form).localeCompare(String(b.form))),
    };
  }

  /**
   * Per rule (in the settings' order): the students whose count in one period of the rule that
   * touches the range reached it, with their highest count, highest first. Weeks come from the
   * weekly counts; half-terms and terms from one pass over the day counts.
   */
  private overThreshold(from: string, to: string, s: SiteSettings): LateReportDetail['overThreshold'] {
    const rules = s.lateness.thresholds;
    const hits: { rule: number; studentId: string; count: number }[] = [];
    const periods: { start: string; end: string; rule: number }[] = [];
    rules.forEach((rule, r) => {
      const ps = periodsOverlapping(rule.period, from, to, s.lateness.terms, s.locale);
      if (rule.period === 'week') {
        if (ps.length) for (const h of this.counts.overInWeeks(ps[0]!.start, ps.at(-1)!.start, rule.count)) hits.push({ rule: r, ...h });
      } else {
        // The stored periods (kept by the triggers) when they are these; else from the day counts.
        const stored = this.counts.storedPeriods().filter((p) => p.kind === rule.period);
        const all = ps.every((p) => stored.some((q) => q.start === p.start && q.end === p.end));
        if (all && ps.length) for (const h of this.counts.overInStoredPeriods(rule.period, ps.map((p) => p.start), rule.count)) hits.push({ rule: r, ...h });
        else for (const p of ps) periods.push({ start: p.start, end: p.end, rule: r });
      }
    });
    for (const row of this.counts.overInPeriods(periods, periods.map((p) => rules[p.rule]!.count))) {
      const best = new Map<number, number>();
      row.counts.forEach((n, i) => {
        const r = periods[i]!.rule;
        if (n >= rules[r]!.count && n > (best.get(r) ?? 0)) best.set(r, n);
      });
      for (const [rule, count] of best) hits.push({ rule, studentId: row.studentId, count });
    }
    const names = this.counts.names([...new Set(hits.map((h) => h.studentId))]);
    const labels = rules.map((rule) => ruleLabel(rule, s.locale));
    return hits
      .map((h) => ({ ...h, name: names.get(h.studentId) ?? h.studentId }))
      .sort((a, b) => a.rule - b.rule || b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((h) => ({ studentId: h.studentId, name: h.name, rule: labels[h.rule]!, count: h.count }));
  }

  /**
   * One chart's numbers as CSV in `dir` (the kiosk's exports folder). Written whole, then
   * renamed, so a half-written file never appears there.
   */
  exportCsv(table: ReportTable, from: string, to: string, dir: string, stamp: string): { path: string; rows: number } {
    const report = this.report(from, to);
    const csv = reportCsv(report, table);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `lateness-${table}-${from}-to-${to}-${stamp.replace(/[:.]/g, '-')}.csv`);
    fs.writeFileSync(`${file}.tmp`, csv);
    fs.renameSync(`${file}.tmp`, file);
    return { path: file, rows: csv.split('\r\n').length - 2 };
  }

  /**
   * Write the school's half-terms and terms (from the settings' dates, else the built-in calendar)
   * for the triggers to count into, when they differ from those stored: at start-up and after
   * each settings change. Covers a year and a bit either side of `today`, and back to the oldest
   * count kept. A period outside them is counted from the day counts instead (slower, same answer).
   */
  syncPeriods(today: string): boolean {
    const s = this.settings();
    let from = addDays(today, -400);
    const oldest = this.counts.oldestDay();
    if (oldest && oldest < from) from = oldest;
    const to = addDays(today, 400);
    const want = (['half_term', 'term'] as const).flatMap((kind) =>
      periodsOverlapping(kind, from, to, s.lateness.terms, s.locale).map((p) => ({ kind, start: p.start, end: p.end })),
    );
    want.sort((a, b) => (a.kind === b.kind ? (a.start < b.start ? -1 : 1) : a.kind < b.kind ? -1 : 1));
    const have = this.counts.storedPeriods();
    if (JSON.stringify(have) === JSON.stringify(want)) return false;
    this.counts.replacePeriods(want);
    this.log.info('lateness periods written', { periods: want.length });
    return true;
  }

  /** The rule behind an alert, when it still exists. */
  rule(id: string): LateRule | undefined {
    return this.settings().lateness.thresholds.find((r) => r.id === id);
  }
}
