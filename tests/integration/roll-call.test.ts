// Issue 17, parts 1 and 2 in the core: the roll call (who is on site and off site against the
// morning register, grouped, the JSON), the roll call badge with no PIN, printing to the
// ESC/POS emulator, and "Who is collecting you?" (contacts, someone else, approval, the MIS comment).
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { runCli } from '../helpers/cli';
import { PassPrinter } from '../../electron/core/hardware/printer';
import { hashBadge } from '../../electron/core/attendance/roll-call';
import { startPrinterEmulator, type PrinterEmulator } from '../fakes/printer/emulator';
import type { KioskCore, PassPrinterPort } from '../../electron/core/kiosk';
import { purgeExpiredEvents } from '../../electron/core/maintenance/retention';

const AVA = 'demo-3'; // Year 9, 9C
const MAJA = 'demo-2'; // Year 8, 8C
const IVY = 'demo-4'; // Year 10, 10A
const AARAV = 'demo-1'; // Year 7, 7C

const disposers: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

function open(at = '2026-11-24T08:50:00Z') {
  const t = openTestCore(at);
  disposers.push(() => t.dispose());
  return t;
}

/** As the roster import stores them (student_contacts, JSON), with phones the kiosk must never show. */
/** A printer that remembers what each pass was told about its collector. */
function recordingPrinter(extras: unknown[]): PassPrinterPort {
  return { print: async (_e, _s, _x, ex) => (extras.push(ex), { status: 'printed', problem: null }), status: async () => ({ state: 'ok', problem: null }) };
}

function giveContacts(core: KioskCore, studentId: string, contacts: object[]) {
  core.db
    .prepare('INSERT INTO student_contacts (student_id, json, updated_at) VALUES (?, ?, ?)')
    .run(studentId, JSON.stringify(contacts.map((c) => ({ name: null, relationship: null, phone: null, email: null, parentalResponsibility: null, priority: null, ...c }))), '2026-11-01T00:00:00Z');
}

async function morning(t: ReturnType<typeof open>) {
  const { core, clock } = t;
  // 08:50 Aarav on time: the register has him right, so he is not on the roll call.
  await core.record({ studentId: AARAV, direction: 'sign_in' });
  clock.set('2026-11-24T09:07:00Z');
  await core.record({ studentId: AVA, direction: 'sign_in', reasonId: 'traffic' });
  clock.set('2026-11-24T10:15:00Z');
  giveContacts(core, MAJA, [
    { name: 'Sam Patel', relationship: 'Father', phone: '07700 900222', priority: 2 },
    { name: 'Priya Patel', relationship: 'Mother', phone: '07700 900111', email: 'priya@example.org', priority: 1, parentalResponsibility: true },
  ]);
  await core.record({ studentId: MAJA, direction: 'sign_out', reasonId: 'unwell', collector: { contact: 0 } });
  clock.set('2026-11-24T10:40:00Z');
  await core.record({ studentId: IVY, direction: 'sign_out', reasonId: 'family', collector: { someoneElse: 'Uncle Dev' } });
  clock.set('2026-11-24T11:00:00Z');
}

describe('roll call', () => {
  it('lists late arrivals on site and early leavers off site, with who collected them, in the issue’s shape', async () => {
    const t = open();
    await morning(t);
    const rc = t.core.rollCall();
    expect(Object.keys(rc)).toEqual(['at', 'onSite', 'offSite']);
    expect(rc.at).toBe('2026-11-24T11:00:00.000Z');
    expect(rc.onSite).toEqual([{ studentId: AVA, name: 'Smith, Ava', year: 9, form: '9C', since: '2026-11-24T09:07:00.000Z' }]);
    expect(rc.offSite).toEqual([
      { studentId: MAJA, name: 'Patel, Maja', year: 8, form: '8C', since: '2026-11-24T10:15:00.000Z', collectedBy: 'Priya Patel (Mother)' },
      { studentId: IVY, name: 'Hughes, Ivy', year: 10, form: '10A', since: '2026-11-24T10:40:00.000Z', collectedBy: 'Uncle Dev' },
    ]);
  });

  it('a student who comes back after signing out is on site again; one who leaves after a late arrival is off site', async () => {
    const t = open('2026-11-24T09:20:00Z');
    await t.core.record({ studentId: AVA, direction: 'sign_in', reasonId: 'traffic' });
    t.clock.set('2026-11-24T10:00:00Z');
    await t.core.record({ studentId: AVA, direction: 'sign_out', reasonId: 'medical' });
    await t.core.record({ studentId: MAJA, direction: 'sign_out', reasonId: 'medical' });
    t.clock.set('2026-11-24T10:05:00Z');
    // Back within the AM session before any late time? No: 10:05 is after 09:00, still "late".
    await t.core.record({ studentId: MAJA, direction: 'sign_in', reasonId: 'medical' });
    const rc = t.core.rollCall();
    expect(rc.onSite.map((e) => e.studentId)).toEqual([MAJA]);
    expect(rc.offSite.map((e) => [e.studentId, e.collectedBy])).toEqual([[AVA, null]]);
  });

  it('prints to the ESC/POS printer emulator: date and time at the top, grouped by year and form', async () => {
    const t = open();
    await morning(t);
    const emulator: PrinterEmulator = await startPrinterEmulator({ columns: 48, lifetimeMs: 60_000 });
    disposers.push(() => emulator.close());
    t.core.runtime.printer.bind(new PassPrinter({ clock: t.core.clock, settings: { transport: 'tcp', host: emulator.host, port: emulator.port } }).kioskPort());
    t.core.updateSettings({ settings: { ...t.core.getSettings(), printer: { ...t.core.getSettings().printer, transport: 'tcp', host: emulator.host, port: emulator.port } } });
    const outcome = await t.core.printRollCall('receptionist');
    expect(outcome.status).toBe('printed');
    const [paper] = await emulator.waitForReceipts(1, 30_000);
    const text = paper!.text();
    expect(text).toMatch(/ROLL CALL/);
    expect(text).toMatch(/Tue 24 Nov\s+11:00/);
    expect(text).toMatch(/ON SITE - arrived late \(1\)[\s\S]*Year 9 - Form 9C[\s\S]*09:07\s+Smith, Ava/);
    expect(text).toMatch(/OFF SITE - signed out \(2\)[\s\S]*Year 8 - Form 8C[\s\S]*10:15\s+Patel, Maja - by Priya Patel \(Mother\)[\s\S]*Year 10 - Form 10A[\s\S]*10:40\s+Hughes, Ivy - by Uncle Dev/);
    expect(text).not.toMatch(/07700|example\.org/);
    expect(paper!.cut).toBe(true);
  });

  it('a roll call badge (clear or hashed) answers with the roll call and prints it, with no PIN', async () => {
    const t = open();
    await morning(t);
    // No printer set up: the list still comes up, and the screen does not claim it is printing.
    t.core.updateSettings({ settings: { ...t.core.getSettings(), rollCall: { badges: ['FIRE-01'] } } });
    expect(t.core.scan({ code: 'FIRE-01' })).toMatchObject({ ok: false, reason: 'roll_call', printing: false, rollCall: { onSite: [{ studentId: AVA }] } });
    let printed = 0;
    t.core.runtime.printer.bind({
      print: async () => ({ status: 'printed', problem: null }),
      status: async () => ({ state: 'ok', problem: null }),
      printDocument: async () => (printed++, { status: 'printed', problem: null }),
    });
    t.core.updateSettings({ settings: { ...t.core.getSettings(), rollCall: { badges: ['FIRE-01', hashBadge('777777')] } } });
    const clear = t.core.scan({ code: 'FIRE-01\r\n' });
    expect(clear).toMatchObject({ ok: false, reason: 'roll_call', printing: true, rollCall: { onSite: [{ studentId: AVA }] } });
    const hashed = t.core.scan({ code: '777777' });
    expect(hashed).toMatchObject({ ok: false, reason: 'roll_call' });
    await expect.poll(() => printed, { timeout: 30_000 }).toBe(2); // a ceiling: the prints run as soon as the scans return
    // An ordinary badge is still a student.
    expect(t.core.scan({ code: '100003' }).ok).toBe(true);
    // A hashed entry must be one: "sha256:" and 64 hex digits.
    expect(() => t.core.updateSettings({ settings: { ...t.core.getSettings(), rollCall: { badges: ['sha256:abc'] } } })).toThrow();
  });

  it('`kiosk roll-call --json` prints the issue’s shape; --hash-badge gives the settings form', async () => {
    const t = open();
    await morning(t);
    const dataDir = t.dataDir;
    t.core.close();
    const r = await runCli(['roll-call', '--json', '--data-dir', dataDir, '--at', '2026-11-24T11:00:00Z']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { at: string; onSite: unknown[]; offSite: { collectedBy: string }[] };
    expect(json.at).toBe('2026-11-24T11:00:00.000Z');
    expect(json.onSite).toHaveLength(1);
    expect(json.offSite.map((e) => e.collectedBy)).toEqual(['Priya Patel (Mother)', 'Uncle Dev']);
    const human = await runCli(['roll-call', '--data-dir', dataDir, '--at', '2026-11-24T11:00:00Z']);
    expect(human.out).toMatch(/On site, arrived late \(1\)[\s\S]*Year 9 - Form 9C[\s\S]*09:07 {2}Smith, Ava/);
    const noPrinter = await runCli(['roll-call', '--print', '--data-dir', dataDir, '--at', '2026-11-24T11:00:00Z']);
    expect(noPrinter.code).toBe(0);
    expect(noPrinter.out).toMatch(/Not printed: no printer is set up/);
    const h = await runCli(['roll-call', '--hash-badge', '777777', '--data-dir', dataDir]);
    expect(h.out.split('\n')[0]).toBe(hashBadge('777777'));
  });
});

describe('who is collecting', () => {
  it('offers the contacts by priority with names and relationships only; the chosen one is stored, printed and in the MIS comment', async () => {
    const t = open('2026-11-24T10:15:00Z');
    giveContacts(t.core, MAJA, [
      { name: 'Sam Patel', relationship: 'Father', phone: '07700 900222', priority: 2 },
      { name: 'Priya Patel', relationship: 'Mother', phone: '07700 900111', priority: 1 },
      { name: null, relationship: 'Doctor', phone: '0161 000 0000' },
    ]);
    const flow = t.core.selectStudent({ studentId: MAJA });
    expect(flow.collectors).toEqual([
      { index: 0, name: 'Priya Patel', relationship: 'Mother' },
      { index: 1, name: 'Sam Patel', relationship: 'Father' },
    ]);
    expect(JSON.stringify(flow)).not.toMatch(/07700|0161/);
    const extras: unknown[] = [];
    t.core.runtime.printer.bind(recordingPrinter(extras));
    const r = await t.core.record({ studentId: MAJA, direction: 'sign_out', reasonId: 'unwell', collector: { contact: 1 } });
    expect(r.event.comment).toBe('Unwell, going home — Sam Patel (Father)');
    expect(extras).toEqual([{ collectedBy: 'Sam Patel (Father)', awaitingApproval: false }]);
    expect(t.core.collectors.ofEvent(r.event.id)).toMatchObject({ name: 'Sam Patel', relationship: 'Father', kind: 'contact', approval: 'not_needed' });
  });

  it('"someone else" waits for reception: the pass says so until approved, then a reprint does not', async () => {
    const t = open('2026-11-24T10:15:00Z');
    const extras: unknown[] = [];
    t.core.runtime.printer.bind(recordingPrinter(extras));
    const r = await t.core.record({ studentId: IVY, direction: 'sign_out', reasonId: 'family', collector: { someoneElse: 'Uncle Dev' } });
    expect(extras[0]).toEqual({ collectedBy: 'Uncle Dev', awaitingApproval: true });
    expect(t.core.collectors.ofEvent(r.event.id)?.approval).toBe('pending');
    t.core.approveCollector(r.event.id, 'receptionist');
    expect(t.core.collectors.ofEvent(r.event.id)?.approval).toBe('approved');
    expect(() => t.core.approveCollector(r.event.id, 'receptionist')).toThrow(/already approved/);
    await t.core.reprintPass(r.event.id, 'receptionist');
    expect(extras[1]).toEqual({ collectedBy: 'Uncle Dev', awaitingApproval: false });
    const audit = t.core.db.prepare(`SELECT action, subject FROM audit_log WHERE action = 'collector.approve'`).all();
    expect(audit).toEqual([{ action: 'collector.approve', subject: r.event.id }]);
  });

  it('the typed "collected by" prompt still works and is a collector too; a school can keep collectors off the MIS comment', async () => {
    const t = open('2026-11-24T10:15:00Z');
    const typed = await t.core.record({ studentId: AVA, direction: 'sign_out', reasonId: 'unwell', note: 'Grandad' });
    expect(typed.event.comment).toBe('Unwell, going home — Grandad');
    expect(t.core.collectors.ofEvent(typed.event.id)).toMatchObject({ name: 'Grandad', kind: 'typed', approval: 'not_needed' });
    t.core.updateSettings({ settings: { ...t.core.getSettings(), collectors: { offerContacts: true, inMisComment: false } } });
    const off = await t.core.record({ studentId: IVY, direction: 'sign_out', reasonId: 'family', collector: { someoneElse: 'Uncle Dev' } });
    expect(off.event.comment).toBe('Family matter (authorised)');
    expect(t.core.rollCall().offSite.find((e) => e.studentId === IVY)?.collectedBy).toBe('Uncle Dev');
  });

  it('refuses a contact that is not there and a collector on a sign-in', async () => {
    const t = open('2026-11-24T10:15:00Z');
    await expect(t.core.record({ studentId: MAJA, direction: 'sign_out', reasonId: 'unwell', collector: { contact: 3 } })).rejects.toThrow(/not on the student’s list/);
    await expect(t.core.record({ studentId: MAJA, direction: 'sign_in', reasonId: 'medical', collector: { contact: 0 } })).rejects.toThrow(/Only an early sign-out/);
    expect(t.core.todayEvents()).toEqual([]);
  });

  it('a collector goes with its event when the retention purge removes it (privacy.md)', async () => {
    const t = open('2026-09-01T10:15:00Z');
    const r = await t.core.record({ studentId: IVY, direction: 'sign_out', reasonId: 'family', collector: { someoneElse: 'Uncle Dev' } });
    // The MIS has the mark (only events whose writeback is finished are purged).
    t.core.db.prepare(`UPDATE outbox SET state = 'done' WHERE event_id = ?`).run(r.event.id);
    expect(t.core.collectors.ofEvent(r.event.id)).not.toBeNull();
    const result = purgeExpiredEvents(t.core.db, { days: 60, now: new Date('2026-11-24T12:00:00Z'), timeZone: 'Europe/London' });
    expect(result.events).toBe(1);
    expect(result.related).toMatchObject({ event_collectors: 1 });
    expect(t.core.collectors.ofEvent(r.event.id)).toBeNull();
  });

  /** Messages on (queued only: the worker is not started), the collector kept off the MIS comment; Maja's mother is her contact. */
  async function majaSignsOutWithMessagesOn() {
    const t = open('2026-11-24T10:15:00Z');
    giveContacts(t.core, MAJA, [{ name: 'Priya Patel', relationship: 'Mother', email: 'priya@parents.example', priority: 1 }]);
    const s = structuredClone(t.core.getSettings());
    s.collectors = { offerContacts: true, inMisComment: false };
    s.messages = { ...s.messages, enabled: true, email: { ...s.messages.email, enabled: true, server: '127.0.0.1', port: 25, security: 'none', sender: 'office@oakfield.example' } };
    t.core.updateSettings({ settings: s });
    const r = await t.core.record({ studentId: MAJA, direction: 'sign_out', reasonId: 'unwell', collector: { contact: 0 } });
    const bodies = () => t.core.db.prepare('SELECT body FROM message_outbox WHERE event_id = ?').all(r.event.id) as { body: string }[];
    return { t, r, bodies };
  }

  it('a message home names the collector even when the school keeps it off the MIS comment (issue 17, part 3)', async () => {
    // The text is composed in the event's transaction.
    const { r, bodies } = await majaSignsOutWithMessagesOn();
    expect(r.event.comment).toBe('Unwell, going home');
    expect(bodies()).toHaveLength(1);
    expect(bodies()[0]!.body).toContain('Collected by: Priya Patel (Mother)');
  });

  it('the sweep (an event committed without its messages) names the collector from event_collectors too, never from the MIS comment', async () => {
    const { t, r, bodies } = await majaSignsOutWithMessagesOn();
    // As if the kiosk had crashed between the event and its messages: the sweep decides it again.
    t.core.db.prepare('DELETE FROM message_outbox WHERE event_id = ?').run(r.event.id);
    t.core.db.prepare('DELETE FROM message_triggers WHERE event_id = ?').run(r.event.id);
    expect(t.core.messages.sweep()).toBe(1);
    expect(bodies()).toHaveLength(1);
    expect(bodies()[0]!.body).toContain('Collected by: Priya Patel (Mother)');
  });
});
