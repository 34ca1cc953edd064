import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openTestCore, tempDir } from '../helpers/core';
import { dispatch } from '../../electron/core/ipc/dispatch';
import type { KioskCore } from '../../electron/core/kiosk';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));
function setup(at = '2026-11-24T09:12:00Z', options: Parameters<typeof openTestCore>[1] = {}) {
  const t = openTestCore(at, options);
  disposers.push(t.dispose);
  return t;
}
// Loosely typed on purpose: these tests read the wire shape the renderer receives.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
async function call(core: KioskCore, name: string, payload: unknown) {
  return dispatch(core, name, payload) as Promise<{ ok: boolean; value?: Loose; error?: Loose }>;
}
async function withPins(core: KioskCore) {
  expect((await call(core, 'setPin', { role: 'site_admin', pin: '246810' })).ok).toBe(true); // first run: no token needed
  const admin = (await call(core, 'staffUnlock', { pin: '246810' })).value.token as string;
  expect((await call(core, 'setPin', { token: admin, role: 'receptionist', pin: '1357' })).ok).toBe(true);
  const reception = (await call(core, 'staffUnlock', { pin: '1357' })).value.token as string;
  return { admin, reception };
}

describe('PINs and lockout', () => {
  it('stores PINs hashed, tells roles apart, and locks the keypad after five wrong tries, longer each time', async () => {
    const { core, clock } = setup();
    await withPins(core);
    const stored = JSON.stringify(core.db.prepare('SELECT * FROM staff_pins').all());
    expect(stored).not.toContain('246810');
    expect(stored).not.toContain('1357');
    expect((await call(core, 'staffUnlock', { pin: '1357' })).value.role).toBe('receptionist');
    for (let i = 4; i >= 1; i--) {
      const r = await call(core, 'staffUnlock', { pin: '0000' });
      expect(r.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining(`${i} ${i === 1 ? 'try' : 'tries'} left`) });
    }
    expect((await call(core, 'staffUnlock', { pin: '0000' })).error).toMatchObject({ code: 'locked', message: expect.stringContaining('30 seconds') });
    // Even the right PIN waits out the lock.
    expect((await call(core, 'staffUnlock', { pin: '246810' })).error.code).toBe('locked');
    clock.set('2026-11-24T09:12:31Z');
    for (let i = 0; i < 5; i++) await call(core, 'staffUnlock', { pin: '9999' });
    expect((await call(core, 'staffPinStatus', {})).value.lockedForSeconds).toBe(60);
    clock.set('2026-11-24T09:13:32Z');
    expect((await call(core, 'staffUnlock', { pin: '246810' })).value.role).toBe('site_admin');
    expect(core.staff.auditLog(50).filter((a) => a.action === 'pin.failed').length).toBe(11);
  });

  it('counts guesses fired at the same moment: the sixth is locked out', async () => {
    const { core } = setup();
    await withPins(core);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => call(core, 'staffUnlock', { pin: `00${i}0` })));
    expect(results.filter((r) => r.error?.code === 'locked').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a second first-run PIN and staff calls without a valid token', async () => {
    const { core } = setup();
    const { reception } = await withPins(core);
    expect((await call(core, 'setPin', { role: 'site_admin', pin: '111111' })).error.code).toBe('forbidden');
    expect((await call(core, 'staffEvents', { token: 'not-a-real-token-at-all' })).error.code).toBe('forbidden');
    expect((await call(core, 'adminSettings', { token: reception })).error).toMatchObject({ code: 'forbidden', message: 'Only a site admin can do this.' });
  });

  it('times a staff session out after five idle minutes', async () => {
    const { core, clock } = setup();
    const { reception } = await withPins(core);
    clock.set('2026-11-24T09:18:00Z');
    expect((await call(core, 'staffEvents', { token: reception })).error.message).toMatch(/timed out/);
  });
});

describe('lockout per keypad session, and the recovery code', () => {
  const wrong = (core: KioskCore, n: number) => Promise.all(Array.from({ length: n }, () => call(core, 'staffUnlock', { pin: '0000' })));
  const lockouts = (core: KioskCore) => core.staff.auditLog(100).filter((a) => a.action === 'pin.lockout');

  it('never locks the keypad for more than 5 minutes, however many rounds a student plays', async () => {
    const { core } = setup();
    await withPins(core);
    // Ten rounds already played in this keypad session (as fast as the locks allowed).
    core.db.prepare(`UPDATE staff_lockout SET lockouts = 10, last_failure_at = ? WHERE id = 1`).run('2026-11-24T09:11:00Z');
    const results = await wrong(core, 5);
    expect(results[4]!.error).toMatchObject({ code: 'locked', message: expect.stringContaining('5 minutes') });
    expect((await call(core, 'staffPinStatus', {})).value.lockedForSeconds).toBe(300);
    expect(lockouts(core)).toHaveLength(1);
    expect(JSON.parse(lockouts(core)[0]!.after!)).toEqual({ seconds: 300 });
  });

  it('counts per keypad session: reopening the PIN screen does not reset it, five quiet minutes do', async () => {
    const { core, clock } = setup();
    await withPins(core);
    await wrong(core, 3);
    expect((await call(core, 'staffPinStatus', {})).value.lockedForSeconds).toBeNull(); // the screen opened afresh
    expect((await call(core, 'staffUnlock', { pin: '0000' })).error.message).toContain('1 try left');
    expect((await call(core, 'staffUnlock', { pin: '0000' })).error.message).toContain('30 seconds');
    // Within the session the next lock is longer …
    clock.set('2026-11-24T09:12:31Z');
    expect((await wrong(core, 5))[4]!.error.message).toContain('60 seconds');
    // … but the next person, after the keypad has been left alone for 5 minutes, starts afresh.
    clock.set('2026-11-24T09:18:32Z');
    expect((await call(core, 'staffUnlock', { pin: '0000' })).error.message).toContain('4 tries left');
    expect((await wrong(core, 4))[3]!.error.message).toContain('30 seconds');
    expect(lockouts(core)).toHaveLength(3);
  });

  it('the recovery code, shown once at set-up, unlocks during a lockout and lets the site admin choose a new PIN', async () => {
    const { core } = setup();
    const first = await call(core, 'setPin', { role: 'site_admin', pin: '246810' });
    const code = first.value.recoveryCode as string;
    expect(code).toMatch(/^\d{12}$/);
    expect(JSON.stringify(core.db.prepare('SELECT * FROM staff_recovery_code').all())).not.toContain(code);
    const admin = (await call(core, 'staffUnlock', { pin: '246810' })).value.token as string;
    // Setting the receptionist PIN, or the admin PIN again, does not replace the code.
    expect((await call(core, 'setPin', { token: admin, role: 'receptionist', pin: '1357' })).value).toEqual({});
    expect((await call(core, 'setPin', { token: admin, role: 'site_admin', pin: '246811' })).value).toEqual({});
    expect((await call(core, 'staffPinStatus', {})).value.recoveryCode).toBe(true);

    await wrong(core, 5);
    expect((await call(core, 'staffUnlock', { pin: '246811' })).error.code).toBe('locked');
    // A wrong code (what a student could try) opens nothing and does not lock staff out further.
    expect((await call(core, 'staffRecover', { code: '123456789012' })).error.code).toBe('forbidden');
    expect((await call(core, 'staffRecover', { code: '1234' })).error.code).toBe('forbidden');
    const recovered = await call(core, 'staffRecover', { code: `${code.slice(0, 4)} ${code.slice(4, 8)} ${code.slice(8)}` });
    expect(recovered.value).toMatchObject({ role: 'site_admin' });
    expect((await call(core, 'staffPinStatus', {})).value).toMatchObject({ lockedForSeconds: null, recoveryCode: true });
    // An admin who walked away before choosing the new PIN is not locked out: the code still works
    // until a new site admin PIN is saved with it.
    const again = await call(core, 'staffRecover', { code });
    expect(again.value).toMatchObject({ role: 'site_admin' });
    const next = await call(core, 'setPin', { token: again.value.token, role: 'site_admin', pin: '97531' });
    expect(next.value.recoveryCode).toMatch(/^\d{12}$/);
    expect(next.value.recoveryCode).not.toBe(code);
    // Spent now: the new code replaced it.
    expect((await call(core, 'staffRecover', { code })).error.code).toBe('forbidden');
    expect((await call(core, 'staffUnlock', { pin: '97531' })).value.role).toBe('site_admin');
    expect(core.staff.auditLog(100).map((a) => a.action)).toEqual(expect.arrayContaining(['pin.recovery_failed', 'pin.recovered', 'pin.recovery_code_issued', 'pin.lockout']));
  });
});

describe('receptionist overrides', () => {
  it('an override before the mark was sent: the old mark is never sent, the new one is queued', async () => {
    const { core } = setup();
    const { reception } = await withPins(core);
    const rec = await core.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' });
    const r = await call(core, 'overrideEvent', { token: reception, eventId: rec.event.id, reasonId: 'medical' });
    expect(r.ok).toBe(true);
    expect(r.value).toMatchObject({ code: 'M', supersedes: rec.event.id, minutesLate: 12, localTime: '09:12', actor: 'receptionist' });
    const rows = core.db.prepare('SELECT event_id, state, payload FROM outbox ORDER BY id').all() as { event_id: string; state: string; payload: string }[];
    expect(rows.map((x) => [x.event_id === rec.event.id ? 'old' : 'new', x.state])).toEqual([
      ['old', 'superseded'],
      ['new', 'pending'],
    ]);
    expect(JSON.parse(rows[1]!.payload)).toMatchObject({ code: 'M', supersedesEventId: rec.event.id });
    const audit = core.staff.auditLog(10).find((a) => a.action === 'event.override')!;
    expect(JSON.parse(audit.before!)).toMatchObject({ code: 'L' });
    expect(JSON.parse(audit.after!)).toMatchObject({ code: 'M' });
    // The superseded event can no longer be changed; the list shows both.
    expect((await call(core, 'overrideEvent', { token: reception, eventId: rec.event.id, reasonId: 'overslept' })).error.message).toMatch(/already been changed/);
  });

  it('an override after the mark was sent queues the correction', async () => {
    const { core } = setup();
    const { reception } = await withPins(core);
    const rec = await core.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' });
    core.db.prepare(`UPDATE outbox SET state = 'done' WHERE event_id = ?`).run(rec.event.id);
    const r = await call(core, 'overrideEvent', { token: reception, eventId: rec.event.id, reasonId: 'overslept', code: 'U' });
    expect(r.value.code).toBe('U');
    const states = core.db.prepare('SELECT state FROM outbox ORDER BY id').all();
    expect(states).toEqual([{ state: 'done' }, { state: 'pending' }]);
  });

  it('finds students by full name for signing by hand, only with a staff token', async () => {
    const { core } = setup();
    const { reception } = await withPins(core);
    const hits = (await call(core, 'staffFindStudents', { token: reception, query: 'ava smi' })).value;
    expect(hits[0]).toMatchObject({ id: 'demo-3', name: 'Ava Smith', year: 9, form: '9C' });
    expect((await call(core, 'staffFindStudents', { token: reception, query: 'a' })).value).toEqual([]);
    expect((await call(core, 'staffFindStudents', { token: 'not-a-real-token-at-all', query: 'ava' })).error.code).toBe('forbidden');
  });

  it('signs a student in by hand, finalises a late arrival and lists the day with filters', async () => {
    const { core } = setup();
    const { reception } = await withPins(core);
    const manual = await call(core, 'manualSign', { token: reception, studentId: 'demo-5', direction: 'sign_in', reasonId: 'overslept' });
    expect(manual.value.event).toMatchObject({ actor: 'receptionist', code: 'L' });
    await core.record({ studentId: 'demo-6', direction: 'sign_out', reasonId: 'medical' });
    const fin = await call(core, 'finaliseEvent', { token: reception, eventId: manual.value.event.id, excused: true });
    expect(fin.value.excused).toBe(true);
    const all = (await call(core, 'staffEvents', { token: reception })).value;
    expect(all).toHaveLength(2);
    const outs = (await call(core, 'staffEvents', { token: reception, direction: 'sign_out' })).value;
    expect(outs).toHaveLength(1);
    const name = all[0].studentName.split(' ')[0];
    expect((await call(core, 'staffEvents', { token: reception, query: name.toLowerCase() })).value.length).toBeGreaterThan(0);
  });
});

describe('site admin settings and district policy', () => {
  it('a locked district field shows as locked and a change to it is refused with the reason', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(
      path.join(dataDir, 'district-policy.json'),
      JSON.stringify({ district: 'Northshire Schools', locked: [{ path: 'rules.presentWriteback', value: false, reason: 'Present marks come from the register.' }] }),
    );
    const { core } = setup(undefined, { dataDir });
    const { admin } = await withPins(core);
    const view = (await call(core, 'adminSettings', { token: admin })).value;
    expect(view.settings.rules.presentWriteback).toBe(false); // the district's value wins
    expect(view.locks).toEqual([{ path: 'rules.presentWriteback', reason: 'Present marks come from the register.', district: 'Northshire Schools' }]);
    const s = structuredClone(view.settings);
    s.rules.presentWriteback = true;
    const r = await call(core, 'saveSettings', { token: admin, settings: s });
    expect(r.error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'rules.presentWriteback', message: 'Locked by Northshire Schools: Present marks come from the register.' }] });
    s.rules.presentWriteback = false;
    s.schoolName = 'Northshire Primary';
    expect((await call(core, 'saveSettings', { token: admin, settings: s })).ok).toBe(true);
    expect(core.getKioskInfo().schoolName).toBe('Northshire Primary');
  });
});

describe('writeback log', () => {
  it('filters by status, name, type and date, pages, retries failed rows and exports safe CSV', async () => {
    const { core, clock } = setup('2026-11-23T09:05:00Z');
    core.importStudents([{ id: 'evil', misId: null, forename: '=HYPERLINK("x")', surname: 'Student', year: 9, form: null, groupId: null, badge: '555555', photo: null, active: true }]);
    await core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'traffic' });
    clock.set('2026-11-24T09:30:00Z');
    const { admin } = await withPins(core);
    const b = await core.record({ studentId: 'demo-2', direction: 'sign_in', reasonId: 'traffic' });
    await core.record({ studentId: 'evil', direction: 'sign_out', reasonId: 'other' }); // no leaver code: skipped
    core.db.prepare(`UPDATE outbox SET state = 'failed_permanent', last_error = 'Student not found in the MIS.' WHERE event_id = ?`).run(b.event.id);

    const q = async (filter: object, offset = 0, limit = 50) => (await call(core, 'writebackLog', { token: admin, filter, offset, limit })).value;
    expect((await q({})).total).toBe(3);
    expect((await q({ status: 'failed' })).rows[0]).toMatchObject({ status: 'failed', detail: 'Student not found in the MIS.' });
    expect((await q({ status: 'skipped' })).rows[0]).toMatchObject({ type: 'sign_out', detail: expect.stringMatching(/no leaver code/) });
    expect((await q({ status: 'pending' })).total).toBe(1);
    expect((await q({ from: '2026-11-24', to: '2026-11-24' })).total).toBe(2);
    expect((await q({ type: 'sign_out' })).total).toBe(1);
    expect((await q({}, 1, 1)).rows).toHaveLength(1);

    expect((await call(core, 'retryWriteback', { token: admin, outboxIds: 'all_failed' })).value.retried).toBe(1);
    expect((await q({ status: 'failed' })).total).toBe(0);

    const exp = (await call(core, 'exportWritebackLog', { token: admin, filter: {} })).value;
    const csv = fs.readFileSync(exp.path, 'utf8');
    expect(exp.rows).toBe(3);
    expect(csv.split('\r\n')[0]).toBe('Type,Student,MIS id,Date,Time,Year,Reason,Code,Status,Detail,Attempts');
    expect(csv).toContain(`"'=HYPERLINK(""x"") Student"`);
  });
});

describe('doctor and support bundle from the admin screen', () => {
  it('runs the doctor and writes a support bundle only to an offered place', async () => {
    const { core, dataDir } = setup();
    const { admin, reception } = await withPins(core);
    const report = (await call(core, 'runDoctor', { token: admin })).value;
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['database', 'disk', 'outbox', 'timezone']));
    expect(report.checks.find((c: { id: string }) => c.id === 'database').status).toBe('ok');
    expect((await call(core, 'runDoctor', { token: reception })).error.code).toBe('forbidden');

    const targets = (await call(core, 'supportBundleTargets', { token: admin })).value as string[];
    const own = path.join(dataDir, 'support');
    expect(targets).toContain(own);
    expect((await call(core, 'writeSupportBundle', { token: admin, target: '/etc' })).error.code).toBe('invalid_request');
    const bundle = (await call(core, 'writeSupportBundle', { token: admin, target: own })).value;
    expect(fs.existsSync(bundle.folder)).toBe(true);
    expect(bundle.files.length).toBeGreaterThan(2);
  });
});
