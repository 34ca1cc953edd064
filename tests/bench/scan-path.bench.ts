// The scan path on a 50,000-student roster: badge look-up + decision + durable record (event and
// its outbox row in one synchronous=FULL transaction), against a bare single-row insert with the
// same pragmas in the same run, interleaved, nothing instrumented. Issue 16: where the time goes,
// in a second pass where every SQLite statement of the core is timed (better-sqlite3's Statement
// methods, patched for that pass only; BEGIN and COMMIT are statements too): look-up = the
// scan's reads (in their read transaction), insert = the statements inside the sign-in's write
// transaction (the student read again, the event, its outbox row), commit = its BEGIN + COMMIT
// (the fsync), decision = the rest (JavaScript: rules, decision, building the event). And the forgot-badge
// name search (p99, own time: the run-queue wait of this thread taken out; see stall.ts).
// Goals: scan path / bare insert median ≤ 2×; name search p99 ≤ 5 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import type { Student } from '../../shared/model';
import { line, summarise, target } from './stats';
import { runQueueMs } from './stall';
import { enqueueSessionMark } from '../../electron/core/sync/outbox';

const ROSTER = 50_000;
const RUNS = 1_500;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-bench-'));
const clock = fixedClock('2026-11-24T09:07:00Z');
const core = KioskCore.open({ dataDir: dir, clock, demo: false });

const first = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Zoë', 'Łukasz', 'Siobhán', 'Aarav', 'Fatima', 'Chidi'];
const last = ['Smith', 'Jones', 'Taylor', 'Brown', 'Nguyễn', 'Kowalski', 'Okafor', 'Patel', 'Müller', 'García', 'Murphy', 'Ahmed'];
const students: Student[] = Array.from({ length: ROSTER }, (_, i) => ({
  id: `s${i}`, misId: `m${i}`, forename: `${first[i % first.length]}${i % 97}`, surname: `${last[(i * 7) % last.length]}${i % 89}`,
  year: 7 + (i % 7), form: null, groupId: null, badge: String(1_000_000 + i), photo: null, active: true,
}));
let t0 = performance.now();
core.importStudents(students, 'bench');
const importMs = performance.now() - t0;

// A bare single-row insert with the same pragmas, same file system, same run.
const bare = new Database(path.join(dir, 'bare.sqlite'));
bare.pragma('journal_mode = WAL');
bare.pragma('synchronous = FULL');
bare.exec('CREATE TABLE t (id TEXT PRIMARY KEY, student_id TEXT, at TEXT, payload TEXT)');
const bareInsert = bare.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
const reasons = ['traffic', 'overslept', 'medical'];
let scanned = 0;
/** Which call is running, for the attribution pass: every statement of `scan` is look-up. */
let phase: 'scan' | 'record' = 'scan';
/** One student at the kiosk: badge look-up, decision, the durable record. */
async function scanOnce(): Promise<void> {
  const badge = String(1_000_000 + ((scanned++ * 7919) % ROSTER));
  phase = 'scan';
  const scan = core.scan({ code: badge });
  if (!scan.ok) throw new Error(`bench scan refused: ${scan.reason}`);
  phase = 'record';
  await core.record({ studentId: scan.flow.student.id, direction: 'sign_in', reasonId: reasons[scanned % 3]! });
}
function bareOnce(i: number): void {
  bareInsert.run(`e${i}`, `s${i}`, new Date().toISOString(), JSON.stringify({ code: 'L', minutesLate: 7, comment: 'Traffic' }));
}

// 1. The figure: scan path against the bare insert, interleaved so both see the same disk and CPU,
// with nothing patched (the attribution below costs a few microseconds a statement).
const scanPath: number[] = [];
const bareTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  t0 = performance.now();
  bareOnce(i);
  bareTimes.push(performance.now() - t0);
  t0 = performance.now();
  await scanOnce();
  scanPath.push(performance.now() - t0);
}

// 2. Where the time goes: every statement of the core's connection timed (better-sqlite3's
// Statement methods, patched for this pass only; BEGIN and COMMIT are statements too).
let inStatements = { outside: 0, inside: 0, control: 0 };
const statementProto = Object.getPrototypeOf(core.db.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
const originals = new Map<string, (...a: unknown[]) => unknown>();
for (const m of ['run', 'get', 'all', 'iterate']) {
  const original = statementProto[m]!;
  originals.set(m, original);
  statementProto[m] = function (this: { database: Database.Database; source: string }, ...args: unknown[]) {
    // The scan's reads run in a read transaction of their own: all of it is look-up. In the
    // record, BEGIN / COMMIT (statements too, as better-sqlite3 runs them) are the commit part.
    const kind =
      phase === 'scan' ? 'outside' : /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(this.source) ? 'control' : core.db.inTransaction ? 'inside' : 'outside';
    const s = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      if (this.database === core.db) inStatements[kind] += performance.now() - s;
    }
  };
}
const parts = { lookup: [] as number[], decision: [] as number[], insert: [] as number[], commit: [] as number[] };
for (let i = 0; i < RUNS / 2; i++) {
  inStatements = { outside: 0, inside: 0, control: 0 };
  t0 = performance.now();
  await scanOnce();
  const total = performance.now() - t0;
  parts.lookup.push(inStatements.outside);
  parts.insert.push(inStatements.inside);
  parts.commit.push(inStatements.control);
  parts.decision.push(Math.max(0, total - inStatements.outside - inStatements.inside - inStatements.control));
}
for (const [m, original] of originals) statementProto[m] = original;

// What the schema itself costs: the same event and outbox rows (two tables and their indexes),
// inserted in one transaction with the same pragmas, no look-up and no decision.
const sameRows: number[] = [];
const template = core.events.get((core.db.prepare('SELECT id FROM events LIMIT 1').get() as { id: string }).id)!;
for (let i = 0; i < 500; i++) {
  const event = { ...template, id: `bare-${i}`, studentId: `s${(i * 104729) % ROSTER}` };
  const nowIso = new Date().toISOString();
  t0 = performance.now();
  core.db.transaction(() => {
    core.events.insert(event, nowIso);
    enqueueSessionMark(core.db, { eventId: event.id, studentId: event.studentId, misId: null, date: event.localDate, session: event.session!, localTime: event.localTime, occurredAt: event.occurredAt, direction: event.direction, code: event.code!, comment: event.comment, minutesLate: event.minutesLate, reasonId: event.reasonId, supersedesEventId: null }, nowIso);
  })();
  sameRows.push(performance.now() - t0);
}

const queries = ['ame', 'oli sm', 'zo', 'łuk', 'patel', 'siob mur', 'chidi ok', 'mia1', 'ahm', 'gar'];
const search: number[] = [];
const searchOwn: number[] = [];
for (let i = 0; i < 2_000; i++) {
  const q = queries[i % queries.length]!;
  const q0 = runQueueMs();
  t0 = performance.now();
  core.searchStudents({ query: q });
  const wall = performance.now() - t0;
  const queued = q0 === null ? 0 : runQueueMs()! - q0;
  search.push(wall);
  searchOwn.push(Math.max(0, wall - queued));
}

const sp = summarise(scanPath);
const bi = summarise(bareTimes);
const med = (xs: number[]) => summarise(xs).median;
console.log(`scan path bench: ${ROSTER} students (imported in ${(importMs / 1000).toFixed(2)} s), data in ${dir}`);
console.log(line('bare single-row insert (WAL, synchronous=FULL)', bareTimes));
console.log(line('scan path (look-up + decision + record)', scanPath));
console.log(
  `  where the time goes (medians): look-up ${med(parts.lookup).toFixed(3)} ms, decision ${med(parts.decision).toFixed(3)} ms, ` +
    `insert ${med(parts.insert).toFixed(3)} ms, commit (BEGIN + COMMIT, the fsync) ${med(parts.commit).toFixed(3)} ms`,
);
console.log(line('the same event + outbox rows, bare (one transaction)', sameRows));
console.log(
  `  the scan path's own work beyond writing its two rows: median ${(sp.median - summarise(sameRows).median).toFixed(3)} ms; ` +
    `the two rows and their indexes against one bare row: ${(summarise(sameRows).median / bi.median).toFixed(2)}x`,
);
console.log(`scan path / bare insert: median ${(sp.median / bi.median).toFixed(2)}x  p99 ${(sp.p99 / bi.p99).toFixed(2)}x`);
console.log(line('name search (FTS5, 6 results), wall', search));
console.log(line('name search, own time (CPU wait taken out)', searchOwn));
const ratio = sp.median / bi.median;
target('scan path / bare insert', `${ratio.toFixed(2)}× median (${sp.median.toFixed(2)} / ${bi.median.toFixed(2)} ms)`, '≤ 2×', ratio <= 2);
const ns = summarise(searchOwn);
target('name search p99', `${ns.p99.toFixed(2)} ms own at ${ROSTER} students (wall p99 ${summarise(search).p99.toFixed(2)} ms incl. CPU wait)`, '≤ 5 ms', ns.p99 <= 5);
core.close();
bare.close();
fs.rmSync(dir, { recursive: true, force: true });
