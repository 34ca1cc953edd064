import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openTestCore, tempDir } from '../helpers/core';
import { openDatabase, latestVersion, DatabaseError } from '../../electron/core/db/database';
import { migrations } from '../../electron/core/db/migrations';
import { KioskCore } from '../../electron/core/kiosk';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { SettingsValidationError } from '../../electron/core/db/settings-store';
import { QUEUE_COUNTS_SQL, STATE_SQL, claimDue, outboxCounts, queueCounts } from '../../electron/core/sync/outbox';
import { dueConfirmations } from '../../electron/core/db/outbox-confirmations';
import { queueMark } from '../fakes/wonde/seed';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));
function core(at?: string, options: Parameters<typeof openTestCore>[1] = {}) {
  const t = openTestCore(at, options);
  disposers.push(t.dispose);
  return t;
}

describe('database and migrations', () => {
  it('creates a new database at the latest version, in WAL mode with synchronous=FULL', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'a.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('refuses a database written by a newer Passdesk, with a clear message, and leaves it untouched', () => {
    const file = path.join(tempDir(), 'newer.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${latestVersion() + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrowError(/newer version of Passdesk/);
    try {
      openDatabase(file);
    } catch (e) {
      expect((e as DatabaseError).kind).toBe('newer_version');
    }
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(latestVersion() + 5);
    again.close();
  });

  it('refuses a file that is not a database', () => {
    const file = path.join(tempDir(), 'junk.sqlite');
    fs.writeFileSync(file, 'this is not sqlite'.repeat(100));
    expect(() => openDatabase(file)).toThrowError(DatabaseError);
  });

  it('applies each migration to a real database, keeping the data of earlier ones (additive)', () => {
    const file = path.join(tempDir(), 'steps.sqlite');
    for (let i = 1; i <= migrations.length; i++) {
      const db = openDatabase(file, { migrations: migrations.slice(0, i) });
      expect(db.pragma('user_version', { simple: true })).toBe(migrations[i - 1]!.version);
      db.prepare(`INSERT INTO audit_log (at, actor, action) VALUES ('2026-01-01', 'test', ?)`).run(`step ${i}`);
      db.close();
    }
    const db = openDatabase(file);
    expect((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n).toBe(migrations.length);
    db.close();
    // Shipped migrations only add: no DROP, no RENAME of what an older kiosk wrote.
    for (const m of migrations) expect(m.sql).not.toMatch(/\bDROP\s+(TABLE|COLUMN)\b|\bRENAME\b/i);
  });

  it('an outbox from the release before read-back (migration 5) keeps every row: sent stays Sent, never read back or re-sent; pending still goes', () => {
    const file = path.join(tempDir(), 'v5.sqlite');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 5) });
    const at = '2026-11-24T09:10:00Z';
    const ids = ['S1', 'S2', 'S3', 'S4'].map((s, i) => queueMark(old, { eventId: `e${i}`, studentId: s }, at));
    old.prepare(`UPDATE outbox SET state = 'done', attempts = 1, sent_at = ?, writeback_id = 'w1' WHERE id = ?`).run(at, ids[0]);
    old.prepare(`UPDATE outbox SET state = 'failed_permanent', last_error = 'refused', last_error_kind = 'capability_missing' WHERE id = ?`).run(ids[1]);
    old.prepare(`UPDATE outbox SET state = 'skipped_protected', last_error = 'M there' WHERE id = ?`).run(ids[2]);
    old.close();

    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion());
    const states = ids.map((id) => (db.prepare(`SELECT ${STATE_SQL} AS s FROM outbox WHERE id = ?`).get(id) as { s: string }).s);
    expect(states).toEqual(['done', 'failed_permanent', 'skipped_protected', 'pending']);
    expect(outboxCounts(db)).toMatchObject({ done: 1, failed_permanent: 1, skipped_protected: 1, pending: 1, confirmed: 0, not_sent: 0 });
    // Sent before read-back existed: no read is due, and the sent row is not claimed again.
    expect(dueConfirmations(db, '2099-01-01T00:00:00Z', 100)).toHaveLength(0);
    expect(claimDue(db, '2099-01-01T00:00:00Z', 100).map((r) => r.id)).toEqual([ids[3]]);
    db.close();
  });
});

describe('the status chips', () => {
  it('count the marks still to send and the failed ones, as the full count does, without reading every sent mark', () => {
    const db = openDatabase(path.join(tempDir(), 'chips.sqlite'));
    const states: [string, string | null, string][] = [
      ['pending', null, '2026-11-24T08:10:00.000Z'],
      ['in_flight', null, '2026-11-24T08:05:00.000Z'],
      ['pending', null, '2026-11-24T08:20:00.000Z'],
      ['failed_permanent', null, '2026-11-24T08:01:00.000Z'],
      ['done', null, '2026-11-24T08:00:00.000Z'],
      ['done', 'confirmed', '2026-11-24T07:00:00.000Z'],
      ['done', 'changed_in_mis', '2026-11-24T07:30:00.000Z'],
      ['skipped_protected', 'not_sent', '2026-11-24T07:40:00.000Z'],
      ['skipped_protected', null, '2026-11-24T07:50:00.000Z'],
      ['superseded', null, '2026-11-24T07:55:00.000Z'],
    ];
    expect(queueCounts(db)).toEqual({ waiting: 0, failed: 0, oldestPendingAt: null });
    states.forEach(([state, outcome, at], i) => {
      const id = queueMark(db, { eventId: `e${i}`, studentId: `S${i}` }, at);
      db.prepare(`UPDATE outbox SET state = ?, outcome = ? WHERE id = ?`).run(state, outcome, id);
    });
    const full = outboxCounts(db);
    expect(queueCounts(db)).toEqual({ waiting: full.pending + full.in_flight, failed: full.failed_permanent, oldestPendingAt: full.oldestPendingAt });
    expect(queueCounts(db)).toEqual({ waiting: 3, failed: 1, oldestPendingAt: '2026-11-24T08:05:00.000Z' });
    // Issue 16: through the state index, so a kiosk with years of sent marks pays for its backlog only.
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${QUEUE_COUNTS_SQL}`).all() as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' ')).toMatch(/USING (COVERING )?INDEX outbox_due/);
    db.close();
  });
});

describe('scans', () => {
  it('finds a student by badge and suggests signing in', () => {
    const { core: c } = core();
    const r = c.scan({ code: '100003' });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.flow.suggested).toBe('sign_in');
      expect(r.flow.reasons.sign_in.map((x) => x.label)).toContain('Medical appointment');
    }
  });

  it('refuses bad scans with a typed reason and never stores what did not look like a badge', () => {
    const { core: c } = core();
    const password = 'https://clever.com/in/badges?pw=Tr0ub4dor';
    expect(c.scan({ code: password })).toEqual({ ok: false, reason: 'bad_pattern' });
    expect(c.scan({ code: '' })).toEqual({ ok: false, reason: 'empty' });
    expect(c.scan({ code: 'x'.repeat(300) })).toEqual({ ok: false, reason: 'too_long' });
    expect(c.scan({ code: '12\u00003456' })).toEqual({ ok: false, reason: 'control_chars' });
    expect(c.scan({ code: '99999999' })).toEqual({ ok: false, reason: 'unknown_badge' });
    const dump = JSON.stringify(c.db.prepare('SELECT * FROM scan_rejections').all());
    expect(dump).not.toContain('Tr0ub4dor');
    // Issue 13: even a well-formed unknown badge is kept as a fingerprint only (a broad pattern lets
    // a login QR code through to this branch); the admin can still match a badge against it.
    expect(dump).not.toContain('99999999');
    expect(dump).toContain(c.scanRejections.fingerprint('99999999'));
  });

  it('answers a malformed IPC payload with an error value, never a throw', async () => {
    const { core: c } = core();
    expect(await dispatch(c, 'scan', { code: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await dispatch(c, 'scan', { code: '1', extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await dispatch(c, 'dropTables', {})).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await dispatch(c, 'record', { studentId: 'nobody', direction: 'sign_in', reasonId: 'traffic' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('recording an event', () => {
  it('writes the event and its writeback job together, with the code and minutes late', async () => {
    const { core: c } = core('2026-11-24T09:12:00Z');
    const rec = await c.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' });
    expect(rec.event).toMatchObject({ code: 'L', minutesLate: 12, session: 'AM', writeback: true });
    const row = c.db.prepare('SELECT * FROM outbox WHERE event_id = ?').get(rec.event.id) as { state: string; payload: string };
    expect(row.state).toBe('pending');
    expect(JSON.parse(row.payload)).toMatchObject({ code: 'L', minutesLate: 12, misId: '5003', date: '2026-11-24', session: 'AM' });
    // After the sign-in, the kiosk suggests signing out.
    const again = c.scan({ code: '100003' });
    expect(again.ok && again.flow.suggested).toBe('sign_out');
  });

  it('stores neither the event nor the job when the job cannot be written (one transaction)', async () => {
    const { core: c } = core('2026-11-24T09:12:00Z');
    c.db.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`);
    await expect(c.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' })).rejects.toThrow(/disk says no/);
    expect(c.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 0 });
  });

  it('refuses a reason not offered for the direction', async () => {
    const { core: c } = core();
    await expect(c.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'unwell' })).rejects.toThrow(/not offered/);
  });

  it('keeps a signed-in student when the process is killed right after "signed in"', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'crash-record-child.ts'), dataDir, '100007'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const eventId = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /SIGNED_IN (\S+)/.exec(buf);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const reopened = KioskCore.open({ dataDir });
    try {
      expect(reopened.events.get(eventId)).toMatchObject({ studentId: 'demo-7', code: 'L', minutesLate: 12 });
      expect(reopened.db.prepare('SELECT state FROM outbox WHERE event_id = ?').get(eventId)).toEqual({ state: 'pending' });
    } finally {
      reopened.close();
    }
  });
});

describe('name search (forgot my badge)', () => {
  it('finds by prefixes of first name and surname, ignoring accents, showing first name and initial only', () => {
    const { core: c } = core(undefined, { demo: false });
    c.importStudents([
      { id: 's1', misId: null, forename: 'Siobhán', surname: 'Murphy', year: 10, form: null, groupId: null, badge: '700001', photo: null, active: true },
      { id: 's2', misId: null, forename: 'Simon', surname: 'Murray', year: 8, form: null, groupId: null, badge: '700002', photo: null, active: true },
      { id: 's3', misId: null, forename: 'Siobhan', surname: 'Left', year: 9, form: null, groupId: null, badge: '700003', photo: null, active: false },
    ]);
    const hits = c.searchStudents({ query: 'siob mur' });
    expect(hits).toEqual([{ id: 's1', displayName: 'Siobhán M.', year: 10 }]);
    expect(c.searchStudents({ query: 'mur' }).map((h) => h.id).sort()).toEqual(expect.arrayContaining(['s1', 's2']));
    expect(c.searchStudents({ query: 's' })).toEqual([]); // too short to narrow
    expect(c.searchStudents({ query: '"; DROP TABLE students; --' })).toEqual([]);
  });

  it('finds names with apostrophes and hyphens as typed', () => {
    const { core: c } = core(undefined, { demo: false });
    c.importStudents([
      { id: 'a1', misId: null, forename: 'Ciarán', surname: "O'Brien", year: 8, form: null, groupId: null, badge: '700010', photo: null, active: true },
      { id: 'a2', misId: null, forename: 'Tim', surname: 'Berners-Lee', year: 9, form: null, groupId: null, badge: '700011', photo: null, active: true },
    ]);
    expect(c.searchStudents({ query: "o'brien" }).map((h) => h.id)).toEqual(['a1']);
    expect(c.searchStudents({ query: 'ciaran o brien' }).map((h) => h.id)).toEqual(['a1']);
    expect(c.searchStudents({ query: 'berners-lee' }).map((h) => h.id)).toEqual(['a2']);
  });

  it('returns at most a handful of results on a large roster', () => {
    const { core: c } = core();
    c.importStudents(
      Array.from({ length: 5000 }, (_, i) => ({
        id: `b${i}`, misId: null, forename: i % 2 ? 'Oliver' : 'Olivia', surname: `Surname${i}`, year: 7, form: null, groupId: null, badge: String(800000 + i), photo: null, active: true,
      })),
    );
    expect(c.searchStudents({ query: 'oliv' }).length).toBe(6);
  });
});

describe('settings', () => {
  it('keeps signing students in on the defaults when the stored settings no longer validate', () => {
    const dir = tempDir();
    const first = KioskCore.open({ dataDir: dir });
    first.db.prepare(`INSERT INTO settings (key, json, updated_at) VALUES ('site', '{"schoolName":""}', 'x')`).run();
    first.close();
    const again = KioskCore.open({ dataDir: dir });
    try {
      expect(again.getKioskInfo().schoolName).toBe('Oakfield Academy');
      expect(again.settings.invalidStored?.length).toBeGreaterThan(0);
      expect(again.scan({ code: '100003' }).ok).toBe(true);
    } finally {
      again.close();
    }
  });

  it('applies valid settings at once and audits the change', () => {
    const { core: c } = core();
    const s = structuredClone(c.getSettings());
    s.schoolName = 'Riverside High';
    c.updateSettings({ settings: s });
    expect(c.getKioskInfo().schoolName).toBe('Riverside High');
    const audit = c.db.prepare(`SELECT actor, action FROM audit_log WHERE action = 'settings.update'`).all();
    expect(audit).toHaveLength(1);
  });

  it('refuses invalid settings field by field and keeps the old ones', async () => {
    const { core: c } = core();
    const s = structuredClone(c.getSettings()) as unknown as { rules: { sessions: { AM: { unauthorisedAfter: string } } } };
    s.rules.sessions.AM.unauthorisedAfter = '08:45';
    expect(() => c.updateSettings({ settings: s })).toThrowError(SettingsValidationError);
    try {
      c.updateSettings({ settings: s });
    } catch (e) {
      expect((e as SettingsValidationError).issues[0]).toMatchObject({ path: 'rules.sessions.AM.unauthorisedAfter' });
    }
    // Through IPC, changing settings takes a site admin's PIN session.
    expect(await dispatch(c, 'saveSettings', { token: 'x'.repeat(20), settings: s })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(c.getSettings().rules.sessions.AM.unauthorisedAfter).toBe('09:20');
  });
});
