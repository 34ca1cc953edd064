// Issue 18: lateness counts that outlive the retention purge, threshold rules across week and
// term boundaries and a DST change, an overridden late counted once, the pass and done-screen
// message, and the report's shape.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { purgeExpiredEvents } from '../../electron/core/maintenance/retention';
import type { KioskCore, PassPrinterPort } from '../../electron/core/kiosk';
import type { LateRule, SchoolTerm } from '../../shared/lateness';
import type { SignEvent } from '../../shared/model';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

const WEEKLY: LateRule = {
  id: 'three-a-week',
  count: 3,
  period: 'week',
  message: { 'en-GB': '{ordinal} late this week — see your head of year at break', 'en-US': '{ordinal} tardy this week — see the dean at break' },
  staffEmail: 'hoy@school.example',
  everyLateAfter: true,
};
const AUTUMN: SchoolTerm = { name: 'Autumn', start: '2026-09-02', end: '2026-12-18', halfTermStart: '2026-11-02' };

function setup(rules: LateRule[], extra: Record<string, unknown> = {}, at = '2026-11-30T09:10:00Z') {
  const printed: { event: SignEvent; alert?: string }[] = [];
  const printer: PassPrinterPort = {
    print: async (event, _s, _set, x) => (printed.push({ event, alert: x?.alert }), { status: 'printed', problem: null }),
    status: async () => ({ state: 'ok', problem: null }),
  };
  const t = openTestCore(at, { printer });
  disposers.push(t.dispose);
  t.core.updateSettings({ settings: { ...t.core.getSettings(), ...extra, lateness: { terms: [AUTUMN], thresholds: rules } } }, 'test');
  const late = async (iso: string, studentId = 'demo-1', reasonId = 'traffic') => {
    t.clock.set(iso);
    return t.core.record({ studentId, direction: 'sign_in', reasonId });
  };
  return { ...t, late, printed };
}

const weekCount = (core: KioskCore, student: string, monday: string, sunday: string) => core.lateness.counts.count(student, monday, sunday);

describe('lateness thresholds', () => {
  it('"3 lates in a week": the 3rd late prints the message, the done screen gets it, Today flags the student; a new week starts again', async () => {
    const { core, late, printed } = setup([WEEKLY]);
    // Friday of the week before, then Monday and Tuesday: only two in the new week.
    expect((await late('2026-11-27T09:20:00Z')).lateAlerts).toEqual([]);
    expect((await late('2026-11-30T09:15:00Z')).lateAlerts).toEqual([]);
    expect((await late('2026-12-01T09:05:00Z')).lateAlerts).toEqual([]);
    const third = await late('2026-12-02T09:12:00Z');
    expect(third.lateAlerts).toEqual(['3rd late this week — see your head of year at break']);
    expect(printed.at(-1)!.alert).toBe('3rd late this week — see your head of year at break');
    // A 4th late that week says so too (the email went with the 3rd only).
    expect((await late('2026-12-03T09:12:00Z')).lateAlerts).toEqual(['4th late this week — see your head of year at break']);
    const unsent = core.lateness.counts.unsentEmails();
    expect(unsent.map((a) => [a.emailTo, a.count])).toEqual([['hoy@school.example', 3]]);
    // Today (the receptionist) flags the student.
    const today = core.lateness.alertsOnDay('2026-12-03').get('demo-1');
    expect(today?.[0]?.message).toMatch(/^4th late this week/);
    // Next Monday: a new week, no message; an on-time sign-in never counts.
    expect((await late('2026-12-07T09:30:00Z')).lateAlerts).toEqual([]);
    const onTime = await late('2026-12-08T08:40:00Z', 'demo-1', 'other');
    expect(onTime.event.minutesLate).toBeNull();
    expect(weekCount(core, 'demo-1', '2026-12-07', '2026-12-13')).toBe(1);
  });

  it('the staff e-mail goes into the message outbox once e-mail is set up (issue 17), and waits until then', async () => {
    const { core, late } = setup([{ ...WEEKLY, count: 2 }]);
    await late('2026-11-30T09:15:00Z');
    await late('2026-12-01T09:05:00Z');
    // No mail server yet: the notice waits with the alert.
    expect(core.lateness.counts.unsentEmails().map((a) => a.emailTo)).toEqual(['hoy@school.example']);
    core.updateSettings(
      { settings: { ...core.getSettings(), messages: { enabled: true, earlyLeave: false, email: { enabled: true, server: 'smtp.school.example', sender: 'office@school.example' } } } },
      'test',
    );
    // The next drain (after the next alert, or any late sign-in that reaches a rule) hands it over.
    await late('2026-12-02T09:05:00Z', 'demo-2');
    await late('2026-12-03T09:05:00Z', 'demo-2');
    expect(core.lateness.counts.unsentEmails()).toEqual([]);
    const rows = core.db.prepare(`SELECT recipient, subject, body, state FROM message_outbox ORDER BY id`).all() as { recipient: string; subject: string; body: string; state: string }[];
    const name = (id: string) => `${core.students.get(id)!.forename} ${core.students.get(id)!.surname}`;
    expect(rows.map((r) => [r.recipient, r.state, r.subject])).toEqual([
      ['hoy@school.example', 'pending', `Oakfield Academy: ${name('demo-1')} reached "2 lates in a week"`],
      ['hoy@school.example', 'pending', `Oakfield Academy: ${name('demo-2')} reached "2 lates in a week"`],
    ]);
    expect(rows[0]!.body).toContain('The pass said: 2nd late this week — see your head of year at break');
  });

  it('a late that reaches two rules told to the same address sends one staff e-mail naming both (the outbox keeps one per sign-in and address)', async () => {
    const TERM: LateRule = { ...WEEKLY, id: 'two-a-term', count: 2, period: 'term', message: { 'en-GB': '{ordinal} late this term', 'en-US': '{ordinal} tardy this term' } };
    const { core, late } = setup([{ ...WEEKLY, count: 2 }, TERM], {
      messages: { enabled: true, earlyLeave: false, email: { enabled: true, server: 'smtp.school.example', sender: 'office@school.example' } },
    });
    await late('2026-11-30T09:15:00Z');
    expect((await late('2026-12-01T09:05:00Z')).lateAlerts).toEqual(['2nd late this week — see your head of year at break', '2nd late this term']);
    expect(core.lateness.counts.unsentEmails()).toEqual([]);
    const rows = core.db.prepare(`SELECT recipient, subject, body FROM message_outbox ORDER BY id`).all() as { recipient: string; subject: string; body: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recipient).toBe('hoy@school.example');
    expect(rows[0]!.subject).toMatch(/reached "2 lates in a week" and "2 lates in a term"$/);
    expect(rows[0]!.body).toContain('The pass said: 2nd late this week — see your head of year at break');
    expect(rows[0]!.body).toContain('The pass said: 2nd late this term');
  });

  it('a staff notice to the address the parent\'s message about the same sign-in went to is said in the log, not dropped silently', async () => {
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (msg: string) => void warnings.push(msg), error: () => undefined };
    const t = openTestCore('2026-11-24T09:30:00Z', { logger });
    disposers.push(t.dispose);
    const s = structuredClone(t.core.getSettings());
    s.messages = { ...s.messages, enabled: true, lateArrival: true, email: { ...s.messages.email, enabled: true, server: 'smtp.school.example', sender: 'office@school.example' } };
    // The head of year is also the student's mother (her own address on both).
    s.lateness = { terms: [AUTUMN], thresholds: [{ ...WEEKLY, count: 1, staffEmail: 'ann@parents.example' }] };
    t.core.updateSettings({ settings: s }, 'test');
    t.core.db
      .prepare('INSERT INTO student_contacts (student_id, json, updated_at) VALUES (?, ?, ?)')
      .run('demo-1', JSON.stringify([{ name: 'Ann Novak', relationship: 'Mother', phone: null, email: 'ann@parents.example', priority: 1, parentalResponsibility: true }]), '2026-11-01T00:00:00Z');
    const r = await t.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    expect(r.lateAlerts).toEqual(['1st late this week — see your head of year at break']);
    const rows = t.core.db.prepare(`SELECT recipient, subject FROM message_outbox`).all() as { recipient: string; subject: string }[];
    expect(rows.map((x) => x.recipient)).toEqual(['ann@parents.example']);
    expect(rows[0]!.subject).not.toMatch(/reached/);
    expect(warnings).toContain('staff notice not queued: a message about this sign-in to this address is already in the outbox');
    // The alert is settled (never asked again, never holding back a later notice)…
    expect(t.core.lateness.counts.unsentEmails()).toEqual([]);
    // …and the next student's notice goes.
    t.clock.set('2026-11-24T09:40:00Z');
    await t.core.record({ studentId: 'demo-2', direction: 'sign_in', reasonId: 'overslept' });
    const to = t.core.db.prepare(`SELECT recipient FROM message_outbox ORDER BY id`).all() as { recipient: string }[];
    expect(to.map((x) => x.recipient)).toEqual(['ann@parents.example', 'ann@parents.example']);
    expect(t.core.lateness.counts.unsentEmails()).toEqual([]);
  });

  it('a full page of waiting staff e-mails is cut between sign-ins: every rule reached is named in an e-mail', async () => {
    const rule = (id: string, to: string): LateRule => ({ ...WEEKLY, id, count: 1, staffEmail: to, message: { 'en-GB': `{ordinal} late ${id}`, 'en-US': `{ordinal} tardy ${id}` } });
    const { core } = setup([rule('a', 'hoy@school.example'), rule('b', 'office@school.example'), rule('c', 'hoy@school.example')], {
      messages: { enabled: true, earlyLeave: false, email: { enabled: true, server: 'smtp.school.example', sender: 'office@school.example' } },
    });
    // A backlog of 98 waiting notices (as after weeks without e-mail), then one sign-in whose three
    // alerts straddle the end of the first page of 100: the rows stand in for real sign-ins.
    core.db.pragma('foreign_keys = OFF');
    const alert = core.db.prepare('INSERT INTO late_alerts (event_id, rule_id, period_start, count, message, email_to, emailed_at) VALUES (?, ?, ?, 1, ?, ?, NULL)');
    for (let i = 0; i < 98; i++) alert.run(`earlier-${i}`, 'a', '2026-11-30', `earlier ${i}`, 'z@school.example');
    alert.run('E', 'a', '2026-11-30', 'msg a', 'hoy@school.example');
    alert.run('E', 'b', '2026-11-30', 'msg b', 'office@school.example');
    alert.run('E', 'c', '2026-11-30', 'msg c', 'hoy@school.example');
    core.db.pragma('foreign_keys = ON');
    expect(core.lateness.drainEmails('2026-11-30T10:00:00Z')).toEqual({ sent: 98, waiting: 2 });
    expect(core.lateness.drainEmails('2026-11-30T10:01:00Z')).toEqual({ sent: 3, waiting: 0 });
    const mails = core.db.prepare(`SELECT recipient, body FROM message_outbox WHERE event_id = 'E' ORDER BY id`).all() as { recipient: string; body: string }[];
    expect(mails.map((m) => m.recipient)).toEqual(['hoy@school.example', 'office@school.example']);
    expect(mails[0]!.body).toContain('The pass said: msg a');
    expect(mails[0]!.body).toContain('The pass said: msg c');
    expect(mails[1]!.body).toContain('The pass said: msg b');
  });

  it('a reprint prints the message again', async () => {
    const { core, late, printed } = setup([{ ...WEEKLY, count: 1 }]);
    const r = await late('2026-12-01T09:05:00Z');
    await core.reprintPass(r.event.id, 'receptionist');
    expect(printed.map((p) => p.alert)).toEqual(['1st late this week — see your head of year at break', '1st late this week — see your head of year at break']);
  });

  it('the en-US message for a US school', async () => {
    const { late } = setup([{ ...WEEKLY, count: 1 }], { locale: 'en-US', timeZone: 'America/Chicago' }, '2026-12-01T15:10:00Z');
    expect((await late('2026-12-01T15:10:00Z')).lateAlerts).toEqual(['1st tardy this week — see the dean at break']);
  });

  it('"2 in a half-term" counts within the half, not across the half-term break or the term end', async () => {
    const rule: LateRule = { ...WEEKLY, id: 'two-a-half', count: 2, period: 'half_term', staffEmail: null, message: { 'en-GB': '{ordinal} late this half-term', 'en-US': '{ordinal} tardy this quarter' } };
    const { core, late } = setup([rule]);
    await late('2026-10-22T08:10:00Z'); // 09:10 BST, first half
    expect((await late('2026-11-03T09:10:00Z')).lateAlerts).toEqual([]); // second half: 1
    expect((await late('2026-11-04T09:10:00Z')).lateAlerts).toEqual(['2nd late this half-term']);
    // …and the report lists the student under the rule, for any range touching that half-term.
    expect(core.lateness.report('2026-11-16', '2026-11-20').overThreshold).toEqual([{ studentId: 'demo-1', name: expect.any(String), rule: '2 lates in a half-term', count: 2 }]);
    expect(core.lateness.report('2026-10-19', '2026-10-23').overThreshold).toEqual([]);
    // The per-period counts the triggers keep give the same answer as summing the day counts.
    const stored = core.lateness.report('2026-11-16', '2026-11-20').overThreshold;
    core.lateness.counts.replacePeriods([]);
    expect(core.lateness.report('2026-11-16', '2026-11-20').overThreshold).toEqual(stored);
    expect(core.lateness.syncPeriods('2026-12-21')).toBe(true);
    expect(core.lateness.report('2026-11-16', '2026-11-20').overThreshold).toEqual(stored);
    // After the school's term ends (18 Dec), the holiday is a period of its own.
    expect((await late('2026-12-21T09:10:00Z')).lateAlerts).toEqual([]);
  });

  it('weeks are the school’s: across a DST change a Monday late belongs to Monday’s week, whatever the UTC date', async () => {
    // Auckland: DST starts Sunday 27 Sep 2026 (UTC+12 → +13). Monday 09:10 local is Sunday 20:10 UTC.
    const { core, late } = setup([{ ...WEEKLY, count: 2 }], { timeZone: 'Pacific/Auckland' }, '2026-09-24T21:10:00Z');
    const fri = await late('2026-09-24T21:10:00Z'); // Friday 25 Sep, 09:10 NZST
    expect(fri.event.localDate).toBe('2026-09-25');
    const mon = await late('2026-09-27T20:10:00Z'); // Monday 28 Sep, 09:10 NZDT (Sunday in UTC)
    expect(mon.event.localDate).toBe('2026-09-28');
    expect(mon.lateAlerts).toEqual([]);
    expect(weekCount(core, 'demo-1', '2026-09-28', '2026-10-04')).toBe(1);
    expect((await late('2026-09-28T20:10:00Z')).lateAlerts).toEqual(['2nd late this week — see your head of year at break']);
  });

  it('an overridden late counts once, and a late overridden twice still counts once', async () => {
    const { core, late } = setup([{ ...WEEKLY, count: 2 }]);
    const first = await late('2026-12-01T09:05:00Z');
    const changed = core.staff.override({ eventId: first.event.id, reasonId: 'overslept' }, 'receptionist');
    core.staff.override({ eventId: changed.id, reasonId: 'transport' }, 'receptionist');
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(1);
    expect((await late('2026-12-02T09:05:00Z')).lateAlerts).toEqual(['2nd late this week — see your head of year at break']);
    // Rebuilt from the events, the counts are the same.
    core.lateness.counts.rebuild();
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(2);
  });
});

describe('counts caught up off the scan path (issue 16)', () => {
  const pending = (core: KioskCore) => (core.db.prepare('SELECT COUNT(*) AS n FROM late_pending').get() as { n: number }).n;

  it('a late sign-in is counted at once (threshold and report) while its count is still pending, and once after the catch-up', async () => {
    const { core, late } = setup([{ ...WEEKLY, count: 2 }]);
    await late('2026-12-01T09:05:00Z');
    expect(pending(core)).toBe(1);
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(1);
    expect((await late('2026-12-02T09:05:00Z')).lateAlerts).toEqual(['2nd late this week — see your head of year at break']);
    expect(core.lateness.counts.catchUp()).toBe(2);
    expect(pending(core)).toBe(0);
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(2);
    expect(core.lateness.report('2026-11-30', '2026-12-04').lates).toBe(2);
    expect(core.lateness.counts.catchUp()).toBe(0);
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(2);
  });

  it('a backlog is folded in steps (the background catch-up), the counts right after each', async () => {
    const { core, late } = setup([]);
    for (const [i, s] of ['demo-1', 'demo-2', 'demo-1'].entries()) await late(`2026-12-0${i + 1}T09:05:00Z`, s);
    const week = () => [weekCount(core, 'demo-1', '2026-11-30', '2026-12-06'), weekCount(core, 'demo-2', '2026-11-30', '2026-12-06')];
    expect(week()).toEqual([2, 1]);
    expect(core.lateness.counts.catchUp(1)).toBe(1);
    expect([pending(core), ...week()]).toEqual([2, 2, 1]);
    expect(core.lateness.counts.catchUp(1)).toBe(1);
    expect([pending(core), ...week()]).toEqual([1, 2, 1]);
    expect(core.lateness.counts.catchUp(5)).toBe(1);
    expect([pending(core), ...week()]).toEqual([0, 2, 1]);
    expect(core.lateness.report('2026-11-30', '2026-12-04').lates).toBe(3);
  });

  it('an override counts once whether the late was already counted or still pending', async () => {
    const { core, late } = setup([{ ...WEEKLY, count: 3 }]);
    const counted = await late('2026-12-01T09:05:00Z');
    core.lateness.counts.catchUp();
    const waiting = await late('2026-12-02T09:05:00Z');
    const a = core.staff.override({ eventId: counted.event.id, reasonId: 'overslept' }, 'receptionist');
    const b = core.staff.override({ eventId: waiting.event.id, reasonId: 'overslept' }, 'receptionist');
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(2);
    core.lateness.counts.catchUp();
    core.staff.override({ eventId: a.id, reasonId: 'transport' }, 'receptionist');
    core.staff.override({ eventId: b.id, reasonId: 'transport' }, 'receptionist');
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(2);
    expect(core.lateness.report('2026-11-30', '2026-12-04').lates).toBe(2);
    expect((await late('2026-12-03T09:05:00Z')).lateAlerts).toEqual(['3rd late this week — see your head of year at break']);
    core.lateness.counts.rebuild();
    expect(weekCount(core, 'demo-1', '2026-11-30', '2026-12-06')).toBe(3);
  });

  it('a late still pending over a roll-over counts in the year and form the student had when late', async () => {
    const { core, late } = setup([]);
    await late('2026-12-01T09:05:00Z');
    const before = core.students.get('demo-1')!;
    core.db.prepare(`UPDATE students SET year = year + 1, form = 'NEW' WHERE id = 'demo-1'`).run();
    core.lateness.counts.catchUp();
    expect(core.lateness.counts.byDayYearForm('2026-12-01', '2026-12-01')).toEqual([{ date: '2026-12-01', year: before.year, form: before.form, lates: 1 }]);
  });

  it('a late whose count was still pending when the kiosk stopped is counted after the restart', async () => {
    const first = setup([{ ...WEEKLY, count: 2 }]);
    await first.late('2026-12-01T09:05:00Z');
    first.core.close(); // before the catch-up's second: the note is all there is
    const again = openTestCore('2026-12-02T09:05:00Z', { dataDir: first.dataDir });
    disposers.push(again.dispose);
    expect(again.core.lateness.report('2026-11-30', '2026-12-04').lates).toBe(1);
    expect((await again.core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'traffic' })).lateAlerts).toEqual([
      '2nd late this week — see your head of year at break',
    ]);
  });
});

describe('counts and the retention purge', () => {
  it('the counts stay after the events are purged; reasons and minutes go with the events', async () => {
    const { core, late } = setup([{ ...WEEKLY, count: 2 }]);
    const a = await late('2026-09-14T08:10:00Z', 'demo-1', 'traffic');
    const b = await late('2026-09-15T08:20:00Z', 'demo-1', 'overslept');
    const c = await late('2026-09-15T08:30:00Z', 'demo-2', 'traffic');
    core.db.prepare(`UPDATE outbox SET state = 'done'`).run();
    const before = core.lateness.report('2026-09-14', '2026-09-18');
    expect(before).toMatchObject({ lates: 3, averageMinutesLate: 20, topReasons: [{ reason: 'Traffic', count: 2 }, { reason: 'Overslept', count: 1 }] });
    expect(before.overThreshold).toEqual([{ studentId: 'demo-1', name: expect.any(String), rule: '3 lates in a week'.replace('3', '2'), count: 2 }]);

    const purged = purgeExpiredEvents(core.db, { days: 60, now: new Date('2026-12-01T02:00:00Z'), timeZone: 'Europe/London' });
    expect(purged.events).toBe(3);
    for (const e of [a, b, c]) expect(core.events.get(e.event.id)).toBeNull();
    expect(core.db.prepare('SELECT COUNT(*) AS n FROM late_alerts').get()).toEqual({ n: 0 });

    const after = core.lateness.report('2026-09-14', '2026-09-18');
    expect(after).toMatchObject({ lates: 3, topReasons: [], averageMinutesLate: null });
    expect(after.byDay.filter((d) => d.lates)).toEqual([
      { date: '2026-09-14', lates: 1 },
      { date: '2026-09-15', lates: 2 },
    ]);
    expect(after.overThreshold).toEqual(before.overThreshold);
    // Nothing but counts is left: no reason, no time of day.
    expect(Object.keys(core.db.prepare('SELECT * FROM late_counts LIMIT 1').get() as object).sort()).toEqual(['form', 'lates', 'local_date', 'student_id', 'year']);
    // A rebuild after the purge keeps the purged days' counts.
    core.lateness.counts.rebuild();
    expect(core.lateness.report('2026-09-14', '2026-09-18').lates).toBe(3);
    expect(core.lateness.report('2026-09-14', '2026-09-18').overThreshold).toEqual(before.overThreshold);
  });

  it('the report has exactly the issue’s JSON keys', async () => {
    const { core, late } = setup([WEEKLY]);
    await late('2026-12-01T09:05:00Z');
    const r = core.lateness.report('2026-11-30', '2026-12-04');
    const { byForm: _byForm, ...cli } = r;
    expect(Object.keys(cli).sort()).toEqual(['averageMinutesLate', 'byDay', 'byYear', 'from', 'lates', 'overThreshold', 'to', 'topReasons']);
    expect(r.byDay.map((d) => d.date)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(r.byYear).toEqual([{ year: expect.any(Number), lates: 1 }]);
  });
});

describe('kiosk report', () => {
  it('--json prints exactly the issue’s shape; --csv the same figures; bad dates say what to fix', async () => {
    const { core, late, dataDir } = setup([{ ...WEEKLY, count: 2 }]);
    await late('2026-11-30T09:15:00Z', 'demo-1', 'traffic');
    await late('2026-12-01T09:25:00Z', 'demo-1', 'overslept');
    await late('2026-12-01T09:05:00Z', 'demo-2', 'traffic');
    const name = `${core.students.get('demo-1')!.forename} ${core.students.get('demo-1')!.surname}`;
    const year = core.students.get('demo-1')!.year;
    core.close(); // the data folder stays until the test ends
    const { runCli } = await import('../helpers/cli');
    const r = await runCli(['report', '--data-dir', dataDir, '--from', '2026-11-30', '--to', '2026-12-01', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual(['from', 'to', 'lates', 'byDay', 'byYear', 'topReasons', 'averageMinutesLate', 'overThreshold']);
    expect(json).toMatchObject({
      from: '2026-11-30',
      to: '2026-12-01',
      lates: 3,
      byDay: [
        { date: '2026-11-30', lates: 1 },
        { date: '2026-12-01', lates: 2 },
      ],
      topReasons: [
        { reason: 'Traffic', count: 2 },
        { reason: 'Overslept', count: 1 },
      ],
      averageMinutesLate: 15,
      overThreshold: [{ studentId: 'demo-1', name, rule: '2 lates in a week', count: 2 }],
    });
    expect(json.byYear.reduce((n: number, y: { lates: number }) => n + y.lates, 0)).toBe(3);
    expect(json.byYear.some((y: { year: number | null }) => y.year === year)).toBe(true);

    const csv = await runCli(['report', '--data-dir', dataDir, '--from', '2026-11-30', '--to', '2026-12-01', '--csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\r\n')).toEqual(
      expect.arrayContaining(['section,key,name,rule,value', 'lates,,,,3', 'byDay,2026-12-01,,,2', 'topReasons,,Traffic,,2', `overThreshold,demo-1,${name},2 lates in a week,2`]),
    );
    const text = await runCli(['report', '--data-dir', dataDir, '--from', '2026-11-30', '--to', '2026-12-01']);
    expect(text.out).toMatch(/^Lates 2026-11-30 to 2026-12-01: 3, on average 15 min late/);

    const bad = await runCli(['report', '--data-dir', dataDir, '--from', '2026-12-05', '--to', '2026-12-01']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('The start (2026-12-05) is after the end (2026-12-01); swap them.');
  });
});
