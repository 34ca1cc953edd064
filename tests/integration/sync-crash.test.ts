// Crash safety of the writeback path: a child process runs the engine and is SIGKILLed at random
// moments, over and over, while marks keep arriving. On the fake Wonde's own records, every
// acknowledged mark must end up written exactly once: none lost, none twice.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeWonde, type FakeWonde } from '../fakes/wonde/server';
import { openSeedDb, queueMark, rowsByState } from '../fakes/wonde/seed';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'sync-crash-child.ts');
const SCHOOL = 'A1930499544';
const KILLS = 55;
const PER_ROUND = 6;

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

function runChild(dbFile: string, fake: FakeWonde, killAfterMs: number | null): Promise<{ code: number | null; signal: string | null; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, fake.baseUrl, SCHOOL], { stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = false;
    let stderr = '';
    const hard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (!ready && d.toString().includes('READY')) {
        ready = true;
        if (killAfterMs !== null) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(hard);
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${stderr.slice(-2000)}`));
      else resolve({ code, signal, ready });
    });
  });
}

describe('sync engine under SIGKILL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-sync-crash-'));
  let fake: FakeWonde | null = null;
  afterAll(async () => {
    await fake?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`writes every mark exactly once across ${KILLS} kills`, { timeout: 240_000 }, async () => {
    const seed = Number(process.env.SYNC_CRASH_SEED ?? 20261124);
    const random = mulberry32(seed);
    // Enough students for every round the loop below may take (a round ends without a kill when the
    // child finished first, which a loaded machine makes more likely).
    const students = Array.from({ length: (KILLS * 3 + 1) * PER_ROUND }, (_, i) => `K${String(i).padStart(5, '0')}`);
    // Every answer takes a little while, so that kills land between "sent" and "recorded as sent".
    fake = await startFakeWonde({ schools: [{ id: SCHOOL, students }], latencyMs: 15, lifetimeMs: 300_000 });
    const dbFile = path.join(dir, 'kiosk.db');
    const db = openSeedDb(dbFile);
    let queued = 0;
    const queue = (n: number) => {
      for (let i = 0; i < n; i++, queued++) queueMark(db, { eventId: `ev${queued}`, studentId: students[queued]! });
    };

    let kills = 0;
    let round = 0;
    while (kills < KILLS) {
      queue(PER_ROUND);
      const r = await runChild(dbFile, fake, Math.floor(random() * 120));
      round += 1;
      if (r.signal === 'SIGKILL') kills += 1;
      expect(round).toBeLessThan(KILLS * 3); // the engine must not finish before every kill
    }
    queue(PER_ROUND);
    const last = await runChild(dbFile, fake, null);
    expect(last.code).toBe(0);

    expect(rowsByState(db)).toEqual({ done: queued });
    for (let i = 0; i < queued; i++) {
      const writes = fake.sessionWritesFor(students[i]!);
      expect(writes, `mark of ${students[i]} written ${writes.length} times`).toHaveLength(1);
    }
    expect(fake.stats().records).toBe(queued);
    // The kills did land mid-send: rows were found in flight and checked against the register.
    const interrupted = (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE attempts > 1`).get() as { n: number }).n;
    const confirmed = (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE last_error LIKE 'Confirmed on the MIS%'`).get() as { n: number }).n;
    console.log(`sync crash: ${kills} kills, ${queued} marks, ${interrupted} interrupted in flight, ${confirmed} confirmed on the register instead of resent`);
    expect(interrupted).toBeGreaterThan(0);
    db.close();
  });
});
