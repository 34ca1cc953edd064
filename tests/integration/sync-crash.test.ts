// Crash safety of the writeback path: a child process runs the engine and is SIGKILLed at random
// moments, over and over, while marks keep arriving. On the fake Wonde's own records, every
// acknowledged mark must end up written exactly once: none lost, none twice; and a protected M the
// school put on the register is never written over.
//
// The strict fake serves the register in each shape Wonde might use (reference/mis-apis.md: which
// one a school gets is UNCONFIRMED). Recovery after a kill depends on reading the register right:
// a read misunderstood as "no mark" writes a landed mark a second time. The full kill count runs
// with codes as bare letters (the shape that wrote 20 of 200 marks twice before), a smaller count
// in each other shape, to keep CI time reasonable.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeWonde, type DateShape, type FakeWonde, type ReadShape } from '../fakes/wonde/server';
import { openSeedDb, queueMark, rowsByState } from '../fakes/wonde/seed';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'sync-crash-child.ts');
const SCHOOL = 'A1930499544';
const PER_ROUND = 6;
const SHAPES: { readShape: ReadShape; dateShape: DateShape; kills: number }[] = [
  { readShape: 'letter', dateShape: 'object', kills: 55 },
  { readShape: 'attendance_code_id', dateShape: 'string', kills: 6 },
  { readShape: 'included', dateShape: 'object', kills: 6 },
  { readShape: 'id', dateShape: 'string', kills: 6 },
];
/** Every PROTECT-th student already holds an M on the register (a medical appointment the school entered). */
const PROTECT = 7;

// A seeded generator, so a failure can be replayed with the same kill moments.
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs the child until it exits, or SIGKILLs it as the fake decides its `killAt.answer`-th answer
 * (counting writes only when `writesOnly`):
 * a kill lands while the child waits on Wonde, after a write was applied and before the child
 * hears so, or between reads; moments tied to events, not to a clock.
 */
function runChild(
  dbFile: string,
  fake: FakeWonde,
  killAt: { answer: number; writesOnly: boolean } | null,
): Promise<{ code: number | null; signal: string | null; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, fake.baseUrl, SCHOOL], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let ready = false;
    let stderr = '';
    let stopListening = () => {};
    const hard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (!ready && d.toString().includes('READY')) {
        ready = true;
        if (killAt !== null) {
          let answers = 0;
          stopListening = fake.onAnswer((a) => {
            if (killAt.writesOnly && a.method !== 'POST') return;
            answers += 1;
            if (answers === killAt.answer) child.kill('SIGKILL');
          });
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(hard);
      stopListening();
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${stderr.slice(-2000)}`));
      else resolve({ code, signal, ready });
    });
  });
}

describe('sync engine under SIGKILL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-sync-crash-'));
  let fake: FakeWonde | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(SHAPES)(
    'writes every mark exactly once across $kills kills, register codes as $readShape, dates as $dateShape',
    { timeout: 480_000 },
    async ({ readShape, dateShape, kills: KILLS }) => {
      const seed = Number(process.env.SYNC_CRASH_SEED ?? 20261124);
      const random = mulberry32(seed);
      // Enough students for every round the loop below may take (a round ends without a kill when the
      // child finished first, which a loaded machine makes more likely).
      const students = Array.from(
        { length: (KILLS * 3 + 1) * PER_ROUND },
        (_, i) => `K${String(i).padStart(5, '0')}`,
      );
      // Every answer takes a little while after it is decided, so a kill at that moment lands between
      // "applied" and "heard of".
      fake = await startFakeWonde({
        schools: [{ id: SCHOOL, students }],
        latencyMs: 15,
        lifetimeMs: 300_000,
        readShape,
        dateShape,
      });
      const protectedOnes = new Set(students.filter((_, i) => i % PROTECT === 3));
      for (const s of protectedOnes) fake.setSessionMark(SCHOOL, s, '2026-11-24', 'AM', 'M', 'Dentist');
      const dbFile = path.join(dir, `kiosk-${readShape}-${dateShape}.db`);
      const db = openSeedDb(dbFile);
      let queued = 0;
      const queue = (n: number) => {
        for (let i = 0; i < n; i++, queued++)
          queueMark(db, { eventId: `ev${queued}`, studentId: students[queued]! });
      };

      let kills = 0;
      let round = 0;
      while (kills < KILLS) {
        queue(PER_ROUND);
        // Half the kills land on a write the fake has just applied (the case a misread register turns
        // into a double write), half at any answer: reads, the school, the code list.
        const writesOnly = random() < 0.5;
        const r = await runChild(dbFile, fake, {
          writesOnly,
          answer: 1 + Math.floor(random() * (writesOnly ? 2 : 14)),
        });
        round += 1;
        if (r.signal === 'SIGKILL') kills += 1;
        expect(round).toBeLessThan(KILLS * 3); // the engine must not finish before every kill
      }
      queue(PER_ROUND);
      const last = await runChild(dbFile, fake, null);
      expect(last.code).toBe(0);

      const sent = students.slice(0, queued).filter((s) => !protectedOnes.has(s));
      const kept = students.slice(0, queued).filter((s) => protectedOnes.has(s));
      for (const s of sent) {
        const writes = fake.sessionWritesFor(s);
        expect(writes, `mark of ${s} written ${writes.length} times`).toHaveLength(1);
      }
      for (const s of kept) {
        expect(fake.sessionWritesFor(s), `protected M of ${s} written over`).toHaveLength(0);
        expect(fake.sessionMark(SCHOOL, s, '2026-11-24', 'AM')?.code).toBe('M');
      }
      expect(fake.stats().records).toBe(sent.length);
      // Every row settled: none left to send, none failed; the protected ones skipped.
      const states = rowsByState(db);
      expect(states.skipped_protected ?? 0).toBe(kept.length);
      expect(
        Object.keys(states).filter((k) => !['done', 'sent', 'confirmed', 'skipped_protected'].includes(k)),
      ).toEqual([]);
      expect(kept.length).toBeGreaterThan(0);
      // The kills did land mid-send: rows were found in flight and checked against the register.
      const interrupted = (
        db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE attempts > 1`).get() as { n: number }
      ).n;
      const confirmed = (
        db
          .prepare(`SELECT COUNT(*) AS n FROM outbox WHERE last_error LIKE 'Confirmed on the MIS%'`)
          .get() as { n: number }
      ).n;
      console.log(
        `sync crash (${readShape}/${dateShape}): ${kills} kills, ${queued} marks (${kept.length} over a protected M), ${interrupted} interrupted in flight, ${confirmed} confirmed on the register instead of resent`,
      );
      expect(interrupted).toBeGreaterThan(0);
      expect(confirmed).toBeGreaterThan(0);
      db.close();
    },
  );
});
