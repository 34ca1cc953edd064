// Issue 16, item 2: a roster read in pages (Wonde, a connector) has its new students written while
// the next page is fetched (plan.ts EarlyAdds). Whatever the pages hold, the roster that lands,
// the import's counts and its report must be exactly those of the same import written after the
// whole roster was read; an import that is refused, fails or is stopped half-way leaves the roster
// as it was. Random rosters (seeded, so a failure can be replayed) with the cases that make early
// writing hard: repeated ids across pages, one badge given to two new students on different pages,
// a new student given the badge of a student who stays, leaves or whose row is refused, badges the
// desk cannot scan, hand-added and inactive students, photos, contacts, and imports the leaver
// guard or the new-year check refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { silentLogger } from '../../electron/core/logging/logger';
import { RosterStore } from '../../electron/core/db/roster-store';
import { runImportJob, type JobFinish } from '../../electron/core/roster/import-job';
import type { Contact, ImportProgress, RosterRecord, SourceContext, SourceResult } from '../../electron/core/roster/model';
import { RosterError } from '../../electron/core/roster/model';
import { RosterService } from '../../electron/core/roster/service';
import { WondeRosterSource } from '../../electron/core/roster/sources/wonde';
import { WondeHttp } from '../../electron/core/mis/wonde/http';
import { unlimited } from '../../electron/core/mis/rate-limit';
import { generatedRoster, startFakeWondeRoster } from '../fakes/wonde-roster/server';

const NOW = '2026-11-24T09:07:00Z';
const disposers: (() => unknown)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

/** A small seeded generator (mulberry32), so that a failing case can be run again by its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!, chance: (p: number) => next() < p };
}

function record(line: number, id: string, o: { badge: string | null; year: number | null; form: string; surname: string; badgeGiven: boolean; photo: string | null; contacts?: Contact[] }): RosterRecord {
  return {
    line,
    student: { id, misId: id, forename: 'Ava', surname: o.surname, year: o.year, form: o.form, groupId: null, badge: o.badge, photo: o.photo },
    groupName: null,
    groupHints: line % 3 === 0 ? ['Sixth Form'] : [],
    badgeGiven: o.badgeGiven,
    photoGiven: o.photo !== null,
    contacts: o.contacts,
  } as RosterRecord;
}

const contactOf = (n: number): Contact[] => [{ name: `Parent ${n}`, relationship: 'Mother', phone: `07700 9${String(n).padStart(5, '0')}`, email: null, parentalResponsibility: true, priority: 1 }];

function kiosk() {
  const t = openTestCore(NOW, { demo: false });
  disposers.push(t.dispose);
  const store = new RosterStore(t.core.db);
  let run = 0;
  const importPages = (pages: RosterRecord[][], o: { paged: boolean; confirmLeavers?: boolean; failAfterPage?: number; stop?: AbortController; afterPage?: (i: number) => Promise<void> }) => {
    const runId = store.beginRun('manual', 'wonde', 'test', NOW);
    run++;
    // The reader a paged source is: each page handed to onPage as it arrives (or not at all: the whole roster first).
    const read = async (ctx: SourceContext): Promise<SourceResult> => {
      const records: RosterRecord[] = [];
      for (const [i, page] of pages.entries()) {
        if (o.failAfterPage !== undefined && i > o.failAfterPage) throw new RosterError('source_failed', 'The roster could not be read from the MIS: 503');
        records.push(...page);
        if (o.paged && ctx.onPage) await ctx.onPage(page);
        await o.afterPage?.(i);
        if (i === 0) o.stop?.abort();
        if (ctx.signal?.aborted) throw new RosterError('source_failed', 'The import was stopped.');
      }
      return { records, issues: [], label: 'MIS (test)' };
    };
    return runImportJob(
      { db: t.core.db, store, logger: silentLogger, progress: () => undefined, signal: o.stop?.signal },
      { runId, trigger: 'manual', sourceKind: 'wonde', confirmLeavers: o.confirmLeavers, nowIso: NOW, settings: t.core.getSettings() },
      read,
    );
  };
  const snapshot = () => ({
    students: t.core.db.prepare('SELECT id, mis_id, forename, surname, year, form, group_id, badge, photo, active, source, updated_at FROM students ORDER BY id').all(),
    contacts: t.core.db.prepare('SELECT student_id, json, updated_at FROM student_contacts ORDER BY student_id').all(),
    staged: t.core.db.prepare('SELECT COUNT(*) AS n FROM roster_pending_rollover').get(),
  });
  return { ...t, store, importPages, snapshot, runs: () => run };
}

/** The roster the kiosk starts from: 40 students, a few added by hand, a few no longer active. */
function baseRoster(): RosterRecord[] {
  return Array.from({ length: 40 }, (_, i) =>
    record(i + 1, `s${i}`, { badge: i % 10 === 9 ? null : String(100000 + i), year: 7 + (i % 5), form: `${7 + (i % 5)}A`, surname: `Smith${i}`, badgeGiven: true, photo: null, contacts: i % 4 ? contactOf(i) : undefined }),
  );
}

function prepare(k: ReturnType<typeof kiosk>) {
  return k.importPages([baseRoster()], { paged: false }).then((f) => {
    expect(f.outcome).toBe('applied');
    // Two hand-added students and two who left earlier (tests may set the kiosk's state directly).
    k.core.db.prepare("UPDATE students SET source = 'manual' WHERE id IN ('s0', 's1')").run();
    k.core.db.prepare("UPDATE students SET active = 0 WHERE id IN ('s2', 's3')").run();
  });
}

/** Tonight's roster from the MIS, drawn at random, cut into pages of random sizes. */
function tonight(seed: number): { pages: RosterRecord[][]; confirmLeavers: boolean } {
  const r = random(seed);
  const badgeGiven = r.chance(0.85);
  const photos = r.chance(0.2);
  const contacts = r.chance(0.7);
  const promote = r.chance(0.15); // most students a year up: a new academic year
  const keep = r.chance(0.2) ? 0.4 : 0.9; // sometimes many leave: the leaver guard
  // Badges drawn from a small pool so that they collide: held ones, new ones, unscannable ones.
  const pool = [...Array.from({ length: 12 }, () => String(100000 + r.int(40))), ...Array.from({ length: 8 }, (_, i) => String(200000 + i)), 'X1', null];
  const out: RosterRecord[] = [];
  let line = 0;
  for (let i = 0; i < 40; i++) {
    if (!r.chance(keep)) continue;
    const year = 7 + (i % 5) + (promote ? 1 : r.chance(0.05) ? 1 : 0);
    const badge = r.chance(0.7) ? String(100000 + i) : r.pick(pool);
    out.push(record(++line, `s${i}`, { badge: i % 10 === 9 && r.chance(0.5) ? null : badge, year, form: `${year}A`, surname: r.chance(0.1) ? `Jones${i}` : `Smith${i}`, badgeGiven, photo: photos && r.chance(0.5) ? `data:image/jpeg;base64,${i}` : null, contacts: contacts ? (r.chance(0.8) ? contactOf(i) : contactOf(i + 1000)) : undefined }));
  }
  for (let i = 0; i < 40; i++) {
    const year = 7 + r.int(5);
    out.push(record(++line, `n${i}`, { badge: r.chance(0.5) ? String(300000 + i) : r.pick(pool), year, form: `${year}B`, surname: `New${i}`, badgeGiven, photo: photos && r.chance(0.5) ? `data:image/jpeg;base64,n${i}` : null, contacts: contacts ? (r.chance(0.5) ? contactOf(2000 + i) : []) : undefined }));
  }
  // Shuffle, then repeat a few rows (a repeated id: the first row counts).
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  for (let i = 0; i < 4; i++) {
    const again = r.pick(out);
    out.splice(r.int(out.length), 0, { ...again, student: { ...again.student, surname: 'Repeated' } });
  }
  out.forEach((x, i) => (x.line = i + 1));
  const pages: RosterRecord[][] = [];
  for (let i = 0; i < out.length; ) {
    const n = 1 + r.int(12);
    pages.push(out.slice(i, i + n));
    i += n;
  }
  return { pages, confirmLeavers: r.chance(0.3) };
}

const outcome = (f: JobFinish) => ({ outcome: f.outcome, message: f.message, counts: f.counts, issues: f.issues, received: f.received });

describe('a roster read in pages, its new students written while the next page is fetched', () => {
  it('lands exactly the roster, counts and report of the same import written after the whole roster was read (60 random rosters)', async () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const whole = kiosk();
      const paged = kiosk();
      await prepare(whole);
      await prepare(paged);
      const night = tonight(seed);
      const a = await whole.importPages(night.pages, { paged: false, confirmLeavers: night.confirmLeavers });
      const b = await paged.importPages(night.pages, { paged: true, confirmLeavers: night.confirmLeavers });
      expect({ seed, ...outcome(b) }).toEqual({ seed, ...outcome(a) });
      expect({ seed, ...paged.snapshot() }).toEqual({ seed, ...whole.snapshot() });
      seen.add(a.outcome);
      for (const d of disposers.splice(0).reverse()) await d();
    }
    // The random rosters reached every ending an import can have here.
    expect([...seen].sort()).toEqual(['applied', 'refused', 'rollover_pending']);
  }, 240_000);

  it('a new academic year found at the end takes back the new intake written early: it waits for the admin', async () => {
    const k = kiosk();
    await prepare(k);
    const before = k.snapshot().students;
    const promoted = baseRoster().map((x) => ({ ...x, student: { ...x.student, year: x.student.year! + 1, form: `${x.student.year! + 1}A` } }));
    const intake = Array.from({ length: 30 }, (_, i) => record(100 + i, `n${i}`, { badge: String(300000 + i), year: 7, form: '7C', surname: `New${i}`, badgeGiven: true, photo: null, contacts: contactOf(i) }));
    const finish = await k.importPages([intake.slice(0, 15), intake.slice(15), promoted.slice(2)], { paged: true });
    expect(finish.outcome).toBe('rollover_pending');
    expect(k.snapshot().students).toEqual(before);
    expect(k.snapshot().staged).toEqual({ n: 1 });
    expect(k.store.currentContacts().has('n0')).toBe(false);
  });

  it('the leaver guard refusing at the end leaves the roster exactly as it was, and a student added tonight who already signed in keeps the sign-in', async () => {
    const k = kiosk();
    await prepare(k);
    const before = k.snapshot();
    // A page of new students, then the MIS lists only five of the forty: far more leavers than the guard allows.
    const newcomers = Array.from({ length: 10 }, (_, i) => record(i + 1, `n${i}`, { badge: String(300000 + i), year: 8, form: '8B', surname: `New${i}`, badgeGiven: true, photo: null }));
    const reason = k.core.getSettings().rules.reasons.find((r) => r.directions.includes('sign_in'))!;
    let eventId = '';
    // A newcomer scans at the desk while the rest of the roster is still being read.
    const afterPage = async (i: number) => {
      if (i !== 0) return;
      const scan = k.core.scan({ code: '300003' });
      expect(scan.ok).toBe(true);
      eventId = (await k.core.record({ studentId: 'n3', direction: 'sign_in', reasonId: reason.id })).event.id;
    };
    const finish = await k.importPages([newcomers, baseRoster().slice(0, 5)], { paged: true, afterPage });
    expect(finish.outcome).toBe('refused');
    expect(finish.message).toMatch(/would deactivate/);
    const after = k.snapshot();
    // Everyone else exactly as before; the newcomer who signed in is kept, inactive and without the badge, with the sign-in.
    expect({ ...after, students: after.students.filter((s) => (s as { id: string }).id !== 'n3') }).toEqual(before);
    expect(after.students.find((s) => (s as { id: string }).id === 'n3')).toMatchObject({ active: 0, badge: null });
    expect(k.core.events.get(eventId)).toMatchObject({ studentId: 'n3' });
  });

  it('a page that never comes, or a stop request, after new students were written leaves the roster as it was', async () => {
    for (const how of ['page fails', 'stopped'] as const) {
      const k = kiosk();
      await prepare(k);
      const before = k.snapshot();
      const pages = [0, 1, 2].map((p) => Array.from({ length: 10 }, (_, i) => record(p * 10 + i + 1, `n${p * 10 + i}`, { badge: String(300000 + p * 10 + i), year: 9, form: '9C', surname: 'New', badgeGiven: true, photo: null, contacts: contactOf(i) })));
      const run = k.importPages([...pages, baseRoster()], how === 'page fails' ? { paged: true, failAfterPage: 1 } : { paged: true, stop: new AbortController() });
      await expect(run).rejects.toThrow(how === 'page fails' ? /could not be read/ : /stopped/);
      expect(k.snapshot()).toEqual(before);
    }
  });
});

describe('the Wonde import in its worker thread, over HTTP', () => {
  async function setup(faults: Parameters<typeof startFakeWondeRoster>[0]['faults'] = []) {
    const t = openTestCore(NOW, { demo: false });
    disposers.push(t.dispose);
    const roster = new RosterService({ db: t.core.db, settings: () => t.core.getSettings(), clock: t.clock });
    const fake = await startFakeWondeRoster({ students: generatedRoster(60), idleMs: 20_000, faults });
    disposers.push(() => fake.close());
    const http = new WondeHttp({ baseUrl: fake.baseUrl, token: () => fake.token, limiter: unlimited, logger: silentLogger, timeoutMs: 10_000 });
    const source = new WondeRosterSource({ http, schoolId: fake.schoolId, origin: fake.origin, photos: false, contacts: true, badgeFrom: 'mis_id', perPage: 10, backoffMs: 5, attempts: 2 });
    // What the desk's own connection sees while the pages are still being read.
    const seenWhileReading: number[] = [];
    const onProgress = (p: ImportProgress) => {
      if (p.phase === 'reading' && p.done > 0) seenWhileReading.push(t.core.students.count());
    };
    return { ...t, roster, source, onProgress, seenWhileReading };
  }

  it('writes each page\'s new students while the next page is fetched: students are on the kiosk before the last page is read', async () => {
    const k = await setup();
    const run = await k.roster.importNow(k.source, { onProgress: k.onProgress });
    expect(run).toMatchObject({ outcome: 'applied', counts: { added: 60 } });
    expect(k.core.students.count()).toBe(60);
    // Page k's progress is posted after page k-1's students were written.
    expect(Math.max(...k.seenWhileReading)).toBeGreaterThan(0);
    expect(k.core.students.get(k.core.db.prepare('SELECT id FROM students LIMIT 1').pluck().get() as string)).toMatchObject({ active: true });
  });

  it('a last page the MIS never serves fails the import and takes back every student written early', async () => {
    const k = await setup([{ path: 'students', page: 6, status: 500, times: Infinity }]);
    const run = await k.roster.importNow(k.source, { onProgress: k.onProgress });
    expect(run.outcome).toBe('failed');
    expect(run.message).toMatch(/could not be read from the MIS/);
    expect(Math.max(...k.seenWhileReading)).toBeGreaterThan(0);
    expect(k.core.students.count()).toBe(0);
    expect(k.core.db.prepare('SELECT COUNT(*) FROM student_contacts').pluck().get()).toBe(0);
  });
});
