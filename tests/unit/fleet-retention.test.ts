// Retention: old events that the MIS has are purged with everything hanging off them; events the
// register may still lack are kept; the count is audited and the data is gone from the file.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { purgeExpiredEvents, purgeInBatches, retentionCutoff } from '../../electron/core/maintenance/retention';
import { purgeEventsBefore } from '../../electron/core/db/retention';
import type { KioskCore } from '../../electron/core/kiosk';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

const OLD_DAY = '2026-09-01T08:07:00Z'; // 09:07 in London: late, written back
const RECENT_DAY = '2026-11-20T08:10:00Z';
const NOW = new Date('2026-11-24T02:30:00Z');

async function signIn(core: KioskCore, set: (at: string) => void, at: string, studentId: string, note?: string) {
  set(at);
  const r = await core.record({ studentId, direction: 'sign_in', reasonId: note ? 'other' : 'overslept', ...(note ? { note } : {}) });
  return r.event.id;
}

function setOutbox(core: KioskCore, eventId: string, state: string) {
  core.db.prepare('UPDATE outbox SET state = ? WHERE event_id = ?').run(state, eventId);
}

const exists = (core: KioskCore, id: string) => !!core.db.prepare('SELECT 1 FROM events WHERE id = ?').get(id);

describe('retention purge', () => {
  it('counts "older than N days" in school days, in the school zone', () => {
    expect(retentionCutoff(NOW, 60, 'Europe/London')).toEqual({ date: '2026-09-25', instant: '2026-09-24T23:00:00.000Z' });
    // 20:00 on the 23rd in Chicago is already the 24th in UTC: the school's date decides.
    expect(retentionCutoff(new Date('2026-11-24T02:00:00Z'), 1, 'America/Chicago').date).toBe('2026-11-22');
  });

  it('purges old written-back events with their outbox rows and pass records, and keeps the rest', async () => {
    const t = openTestCore(OLD_DAY);
    disposers.push(t.dispose);
    const { core } = t;
    const set = (at: string) => t.clock.set(at);
    const done = await signIn(core, set, OLD_DAY, 'demo-1', 'ZQXJ bus broke down near the depot');
    const protectedSkip = await signIn(core, set, OLD_DAY, 'demo-2');
    const pending = await signIn(core, set, OLD_DAY, 'demo-3');
    const failed = await signIn(core, set, OLD_DAY, 'demo-4');
    const recent = await signIn(core, set, RECENT_DAY, 'demo-5');
    setOutbox(core, done, 'done');
    setOutbox(core, protectedSkip, 'skipped_protected');
    setOutbox(core, failed, 'failed_permanent');
    setOutbox(core, recent, 'done');
    // A printed-pass record hangs off the purged event.
    core.db.prepare(`INSERT INTO passes (event_id, requested_at, status, problem, actor) VALUES (?, ?, 'printed', NULL, 'kiosk')`).run(done, OLD_DAY);

    const fileBytes = () =>
      Buffer.concat(
        ['', '-wal'].filter((s) => fs.existsSync(path.join(t.dataDir, 'passdesk.sqlite' + s))).map((s) => fs.readFileSync(path.join(t.dataDir, 'passdesk.sqlite' + s))),
      );
    expect(fileBytes().includes('ZQXJ')).toBe(true);

    const result = purgeExpiredEvents(core.db, { days: 60, now: NOW, timeZone: 'Europe/London' });

    expect(result).toMatchObject({ cutoffDate: '2026-09-25', events: 2, keptAwaitingWriteback: 2 });
    expect(result.related).toMatchObject({ outbox: 2, passes: 1 });
    expect([done, protectedSkip].map((id) => exists(core, id))).toEqual([false, false]);
    expect([pending, failed, recent].map((id) => exists(core, id))).toEqual([true, true, true]);
    expect(core.db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 3 });

    const audit = core.db.prepare(`SELECT actor, after FROM audit_log WHERE action = 'retention.purge'`).all() as { actor: string; after: string }[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after)).toMatchObject({ days: 60, events: 2, keptAwaitingWriteback: 2, cutoffDate: '2026-09-25' });

    // Gone from the file, not only from the tables (secure_delete, and the WAL folded in).
    expect(fileBytes().includes('ZQXJ')).toBe(false);
  });

  it('keeps an old event that a kept override points at, and purges an old pair together', async () => {
    const t = openTestCore(OLD_DAY);
    disposers.push(t.dispose);
    const { core } = t;
    const set = (at: string) => t.clock.set(at);
    const oldReplaced = await signIn(core, set, OLD_DAY, 'demo-1');
    const recentOverride = await signIn(core, set, RECENT_DAY, 'demo-1');
    const oldA = await signIn(core, set, OLD_DAY, 'demo-2');
    const oldB = await signIn(core, set, '2026-09-01T08:30:00Z', 'demo-2');
    const link = core.db.prepare('UPDATE events SET supersedes = ? WHERE id = ?');
    const back = core.db.prepare('UPDATE events SET superseded_by = ? WHERE id = ?');
    link.run(oldReplaced, recentOverride);
    back.run(recentOverride, oldReplaced);
    link.run(oldA, oldB);
    back.run(oldB, oldA);
    for (const id of [oldReplaced, recentOverride, oldA, oldB]) setOutbox(core, id, 'done');

    const result = purgeExpiredEvents(core.db, { days: 60, now: NOW, timeZone: 'Europe/London' });

    expect(result.events).toBe(2);
    expect([oldReplaced, recentOverride, oldA, oldB].map((id) => exists(core, id))).toEqual([true, true, false, false]);
    expect(core.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('purges refused scans older than the period, and does nothing twice', async () => {
    const t = openTestCore(OLD_DAY);
    disposers.push(t.dispose);
    t.core.scan({ code: '999999' }); // unknown badge, kept as a fingerprint (issue 13)
    t.clock.set(RECENT_DAY);
    t.core.scan({ code: '999998' });
    const first = purgeExpiredEvents(t.core.db, { days: 60, now: NOW, timeZone: 'Europe/London' });
    expect(first.scanRejections).toBe(1);
    const second = purgeExpiredEvents(t.core.db, { days: 60, now: NOW, timeZone: 'Europe/London' });
    expect(second).toMatchObject({ events: 0, scanRejections: 0 });
    expect(t.core.db.prepare('SELECT hash FROM scan_rejections').all()).toEqual([{ hash: t.core.scanRejections.fingerprint('999998') }]);
  });

  it('purges in batches (the nightly) with the same outcome: one audit row, and the data gone from the file and its WAL', async () => {
    const t = openTestCore(OLD_DAY);
    disposers.push(t.dispose);
    const { core } = t;
    const set = (at: string) => t.clock.set(at);
    const old: string[] = [];
    for (const student of ['demo-1', 'demo-2', 'demo-3', 'demo-4', 'demo-5']) old.push(await signIn(core, set, OLD_DAY, student, 'QZXW bus broke down'));
    const pending = await signIn(core, set, OLD_DAY, 'demo-6');
    const recent = await signIn(core, set, RECENT_DAY, 'demo-7');
    for (const id of [...old, recent]) setOutbox(core, id, 'done');
    const fileBytes = () =>
      Buffer.concat(
        ['', '-wal'].filter((s) => fs.existsSync(path.join(t.dataDir, 'passdesk.sqlite' + s))).map((s) => fs.readFileSync(path.join(t.dataDir, 'passdesk.sqlite' + s))),
      );
    expect(fileBytes().includes('QZXW')).toBe(true);

    const result = await purgeInBatches(core.db, { days: 60, now: NOW, timeZone: 'Europe/London', batch: 2 });

    expect(result).toMatchObject({ cutoffDate: '2026-09-25', events: 5, keptAwaitingWriteback: 1 });
    expect(result.related).toMatchObject({ outbox: 5 });
    expect(old.map((id) => exists(core, id))).toEqual([false, false, false, false, false]);
    expect([pending, recent].map((id) => exists(core, id))).toEqual([true, true]);
    const audit = core.db.prepare(`SELECT after FROM audit_log WHERE action = 'retention.purge'`).all() as { after: string }[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after)).toMatchObject({ events: 5, keptAwaitingWriteback: 1 });
    expect(fileBytes().includes('QZXW')).toBe(false);
    // The kiosk goes on signing students in on the same connection.
    expect(exists(core, await signIn(core, set, RECENT_DAY, 'demo-8'))).toBe(true);
  });

  it('prepares its statements once per connection, however many batches, and a purge rolled back leaves the next one whole', async () => {
    // Issue 16: statements prepared afresh for every batch were finalized by the garbage collector
    // in 27-32 ms pauses of the desk's thread during a big purge.
    const t = openTestCore(OLD_DAY);
    disposers.push(t.dispose);
    const { core } = t;
    const set = (at: string) => t.clock.set(at);
    const oldOnes = async (students: string[]) => {
      const ids: string[] = [];
      for (const s of students) ids.push(await signIn(core, set, OLD_DAY, s));
      for (const id of ids) setOutbox(core, id, 'done');
      return ids;
    };
    let prepared = 0;
    const prepare = core.db.prepare.bind(core.db);
    core.db.prepare = ((sql: string) => {
      prepared++;
      return prepare(sql);
    }) as typeof core.db.prepare;
    const purge = async (batch: number) => {
      prepared = 0;
      const r = await purgeInBatches(core.db, { days: 60, now: NOW, timeZone: 'Europe/London', batch });
      return { events: r.events, prepared };
    };

    // A purge rolled back (here its audit step throws) takes its temp table with it...
    const first = await oldOnes(['demo-1']);
    expect(() =>
      purgeEventsBefore(core.db, retentionCutoff(NOW, 60, 'Europe/London'), undefined, () => {
        throw new Error('the disk is full');
      }),
    ).toThrow('the disk is full');
    expect(exists(core, first[0]!)).toBe(true);
    // ...and the next one makes it again and purges.
    expect((await purge(10)).events).toBe(1);
    expect(exists(core, first[0]!)).toBe(false);

    // One batch, then six: the same statements, prepared no more often.
    await oldOnes(['demo-2']);
    const one = await purge(10);
    const six = await oldOnes(['demo-3', 'demo-4', 'demo-5', 'demo-6', 'demo-7', 'demo-8']);
    const many = await purge(1);
    expect(one.events).toBe(1);
    expect(many.events).toBe(6);
    expect(many.prepared).toBe(one.prepared);
    expect(six.map((id) => exists(core, id))).toEqual([false, false, false, false, false, false]);
    // The desk goes on, with foreign keys checked again.
    expect(core.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(exists(core, await signIn(core, set, RECENT_DAY, 'demo-9'))).toBe(true);
  });
});
