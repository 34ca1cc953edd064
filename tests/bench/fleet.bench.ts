// Fleet housekeeping on a big school's kiosk after a year: 50,000 students, 100,000 events with
// their outbox rows. What matters: the scan path stays fast while the online backup runs (the
// catch-up backup can run in the school day), and backup, check, purge, doctor and recovery
// each finish in seconds. Targets: record p99 during backup < 50 ms; longest event-loop stall
// during backup < 100 ms (the screen must answer within 100 ms of a scan).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import { backupDatabase, backupsDirOf, checkBackup } from '../../electron/core/maintenance/backup';
import { purgeInBatches } from '../../electron/core/maintenance/retention';
import { runDoctor } from '../../electron/core/maintenance/doctor';
import { openWithRecovery } from '../../electron/core/maintenance/recovery';
import type { Student } from '../../shared/model';
import { line, ms, summarise, target } from './stats';
import { startStallMonitor } from './stall';

const STUDENTS = 50_000;
const EVENTS = 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-fleet-bench-'));
const clock = fixedClock('2026-11-24T09:07:00Z');
let core = KioskCore.open({ dataDir: dir, clock, demo: false });
// As the kiosk runs once started: the WAL folded back on a worker thread (maintenance/checkpointer.ts).
core.runtime.startCheckpointer();

const students: Student[] = Array.from({ length: STUDENTS }, (_, i) => ({
  id: `s${i}`, misId: `m${i}`, forename: `F${i}`, surname: `S${i}`, year: 7 + (i % 7), form: null, groupId: null,
  badge: String(1_000_000 + i), photo: null, active: true,
}));
core.importStudents(students, 'bench');

// A year of events: 60% older than the retention period and written back, the rest recent.
const insertEvent = core.db.prepare(
  `INSERT INTO events (id, student_id, direction, occurred_at, local_date, local_time, session, reason_id, reason_label, code, minutes_late, comment, writeback, skip_reason, actor, created_at)
   VALUES (?, ?, 'sign_in', ?, ?, '09:07', 'AM', 'traffic', 'Traffic', 'L', 7, 'Traffic', 1, NULL, 'kiosk', ?)`,
);
const insertOutbox = core.db.prepare(
  `INSERT INTO outbox (event_id, student_id, idempotency_key, kind, payload, state, attempts, next_attempt_at, created_at, updated_at)
   VALUES (?, ?, ?, 'session_mark', '{}', ?, 1, ?, ?, ?)`,
);
let t0 = performance.now();
core.db.transaction(() => {
  for (let i = 0; i < EVENTS; i++) {
    const old = i < EVENTS * 0.6;
    const day = new Date(Date.UTC(2026, old ? 0 : 9, 5 + (i % 25)));
    const date = day.toISOString().slice(0, 10);
    const at = `${date}T08:07:00.000Z`;
    insertEvent.run(`e${i}`, `s${i % STUDENTS}`, at, date, at);
    insertOutbox.run(`e${i}`, `s${i % STUDENTS}`, `e${i}:session_mark`, old || i % 8 ? 'done' : 'pending', at, at, at);
  }
})();
// A kiosk folds each late's note into the lateness counts within a second (migration 013); the
// seed is a year of such sign-ins, so its notes are folded in before anything is measured.
core.lateness.counts.catchUp();
const seedMs = performance.now() - t0;
const dbBytes = fs.statSync(path.join(dir, 'passdesk.sqlite')).size + (fs.existsSync(path.join(dir, 'passdesk.sqlite-wal')) ? fs.statSync(path.join(dir, 'passdesk.sqlite-wal')).size : 0);

async function recordOne(i: number): Promise<number> {
  const start = performance.now();
  await core.record({ studentId: `s${(i * 7919) % STUDENTS}`, direction: 'sign_in', reasonId: 'traffic' });
  return performance.now() - start;
}

// 1. The scan path idle, then while an online backup runs.
const idle: number[] = [];
for (let i = 0; i < 300; i++) idle.push(await recordOne(i));

const loop = startStallMonitor();
const during: number[] = [];
t0 = performance.now();
let done = false;
const backingUp = backupDatabase(core.db, backupsDirOf(dir), { keep: 5, clock }).finally(() => (done = true));
for (let i = 0; !done; i++) {
  during.push(await recordOne(10_000 + i));
  await new Promise((r) => setImmediate(r)); // let the backup step, as the event loop would between scans
}
const firstBackup = await backingUp;
const firstBackupMs = performance.now() - t0;
const backupStall = loop.stop();
const stallMs = backupStall.maxOwnMs;

// 2. Backup alone (median of 3), and the full check every backup gets.
// Issue 16: the backup's own stalls are measured here, with nothing else running (during the
// recording above, a record's own fsync would count as the backup's stall).
const backupTimes: number[] = [];
const aloneLoop = startStallMonitor();
for (let i = 0; i < 3; i++) {
  clock.set(new Date(Date.parse('2026-11-24T09:07:00Z') + (i + 1) * 60_000));
  t0 = performance.now();
  await backupDatabase(core.db, backupsDirOf(dir), { keep: 5, clock });
  backupTimes.push(performance.now() - t0);
}
const backupAlone = aloneLoop.stop();
t0 = performance.now();
checkBackup(firstBackup.file);
const checkMs = performance.now() - t0;

// 3. The doctor, every check, with the operating system's answers stubbed.
t0 = performance.now();
await runDoctor({
  dataDir: dir, db: core.db, settings: core.settings.get(), settingsSaved: true,
  clockSync: async () => ({ synchronised: true }), osTimeZone: () => 'Europe/London',
  diskSpace: async () => ({ freeBytes: 2 ** 34, totalBytes: 2 ** 36 }), hidrawNodes: async () => [],
});
const doctorMs = performance.now() - t0;

// 4. Retention: purge the 60,000 old events with their outbox rows, in batches, watching the loop.
const purgeLoop = startStallMonitor();
t0 = performance.now();
const purge = await purgeInBatches(core.db, { days: 60, now: new Date('2026-11-24T02:30:00Z'), timeZone: 'Europe/London' });
const purgeMs = performance.now() - t0;
const purgeStall = purgeLoop.stop();

// 5. Recovery: a damaged index page at start-up; restore the newest backup and salvage.
await core.stop();
core.close();
const file = path.join(dir, 'passdesk.sqlite');
const raw = new Database(file, { readonly: true });
const { rootpage } = raw.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'events_day'`).get() as { rootpage: number };
raw.close();
const fd = fs.openSync(file, 'r+');
fs.writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (rootpage - 1) * 4096);
fs.closeSync(fd);
t0 = performance.now();
const opened = openWithRecovery(() => KioskCore.open({ dataDir: dir, clock, demo: false }), { dataDir: dir, clock });
const recoveryMs = performance.now() - t0;
core = opened.value;
core.close();

const d = summarise(during);
console.log(`roster ${STUDENTS} students, ${EVENTS} events + outbox rows (seeded in ${ms(seedMs)}), database ${(dbBytes / 1048576).toFixed(1)} MiB`);
console.log(line('record (idle)', idle));
console.log(line('record (during online backup)', during));
console.log(`record p99 during backup / idle p99                ${(d.p99 / summarise(idle).p99).toFixed(2)}x`);
console.log(`longest event-loop stall during backup             own ${ms(stallMs)}; longest gap ${ms(backupStall.maxGapMs)} of which ${ms(backupStall.queueAtMaxGapMs)} waiting for a CPU`);
console.log(`online backup while recording                       ${ms(firstBackupMs)}  (${(firstBackup.bytes / 1048576).toFixed(1)} MiB)`);
console.log(`online backup alone                                 median ${ms(summarise(backupTimes).median)}  max ${ms(summarise(backupTimes).max)}`);
console.log(`longest event-loop stall during the backups alone   own ${ms(backupAlone.maxOwnMs)}; longest gap ${ms(backupAlone.maxGapMs)} of which ${ms(backupAlone.queueAtMaxGapMs)} waiting for a CPU`);
console.log(`full integrity check of a backup                    ${ms(checkMs)}`);
console.log(`doctor, all checks                                  ${ms(doctorMs)}`);
console.log(
  `retention purge of ${purge.events} events (+${purge.related.outbox ?? 0} outbox)        ${ms(purgeMs)}, longest stall own ${ms(purgeStall.maxOwnMs)}; longest gap ${ms(purgeStall.maxGapMs)} of which ${ms(purgeStall.queueAtMaxGapMs)} waiting for a CPU`,
);
target(
  'purge / backup stall',
  `${purgeStall.maxOwnMs.toFixed(0)} / ${backupAlone.maxOwnMs.toFixed(0)} ms own (longest wall gap ${purgeStall.maxGapMs.toFixed(0)} / ${backupAlone.maxGapMs.toFixed(0)} ms incl. CPU wait)`,
  '≤ 50 ms',
  Math.max(purgeStall.maxOwnMs, backupAlone.maxOwnMs) <= 50,
);
console.log(`corrupt-database recovery (restore + salvage ${opened.recovery?.eventsSalvaged ?? 0})     ${ms(recoveryMs)}`);
fs.rmSync(dir, { recursive: true, force: true });
// Issue 16's goal for the stalls is in the target line above; this older guard stays.
if (d.p99 > 50 || stallMs > 100) {
  console.log('TARGET MISSED');
  process.exitCode = 1;
}
