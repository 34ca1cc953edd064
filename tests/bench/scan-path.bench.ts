// The scan path on a 50,000-student roster: badge look-up + decision + durable record (event and
// its outbox row in one synchronous=FULL transaction), against a bare single-row insert with the
// same pragmas in the same run. And the forgot-badge name search.
// Targets: scan path p99 < 5 ms and within 1.5x of the bare insert; name search p99 < 10 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { KioskCore } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import type { Student } from '../../shared/model';
import { line, summarise } from './stats';

const ROSTER = 50_000;
const RUNS = 2_000;
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

const scanPath: number[] = [];
const bareTimes: number[] = [];
const reasons = ['traffic', 'overslept', 'medical'];
for (let i = 0; i < RUNS; i++) {
  // Interleave so both see the same disk and CPU conditions.
  t0 = performance.now();
  bareInsert.run(`e${i}`, `s${i}`, new Date().toISOString(), JSON.stringify({ code: 'L', minutesLate: 7, comment: 'Traffic' }));
  bareTimes.push(performance.now() - t0);

  const badge = String(1_000_000 + ((i * 7919) % ROSTER));
  t0 = performance.now();
  const scan = core.scan({ code: badge });
  if (!scan.ok) throw new Error(`bench scan refused: ${scan.reason}`);
  await core.record({ studentId: scan.flow.student.id, direction: 'sign_in', reasonId: reasons[i % 3]! });
  scanPath.push(performance.now() - t0);
}

const queries = ['ame', 'oli sm', 'zo', 'łuk', 'patel', 'siob mur', 'chidi ok', 'mia1', 'ahm', 'gar'];
const search: number[] = [];
for (let i = 0; i < 2_000; i++) {
  const q = queries[i % queries.length]!;
  t0 = performance.now();
  core.searchStudents({ query: q });
  search.push(performance.now() - t0);
}

const sp = summarise(scanPath);
const bi = summarise(bareTimes);
const ns = summarise(search);
console.log(`scan path bench: ${ROSTER} students (imported in ${(importMs / 1000).toFixed(2)} s), data in ${dir}`);
console.log(line('bare single-row insert (WAL, synchronous=FULL)', bareTimes));
console.log(line('scan path (look-up + decision + record)', scanPath));
console.log(`scan path / bare insert: median ${(sp.median / bi.median).toFixed(2)}x  p99 ${(sp.p99 / bi.p99).toFixed(2)}x  (target ≤ 1.5x; p99 < 5 ms: ${sp.p99 < 5 ? 'met' : 'NOT met'})`);
console.log(line('name search (FTS5, 6 results)', search));
console.log(`name search p99 < 10 ms: ${ns.p99 < 10 ? 'met' : 'NOT met'}`);
core.close();
bare.close();
fs.rmSync(dir, { recursive: true, force: true });
