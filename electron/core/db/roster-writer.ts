// Writing a roster plan in short transactions (issue 16). The import runs in a worker thread on
// its own connection; one transaction for 50,000 students would hold SQLite's write lock for a
// second or more, and a scan on the main thread would wait behind it. So the plan is written in
// chunks of a few milliseconds each; before each chunk the worker lets any waiting
// main-thread transaction go first, and a chunk ends early (commits what it has) as soon as one
// waits; the chunk's flag on the gate lets that transaction wait for the commit without sleeping
// in SQLite's busy handler (write-gate.ts).
//
// All or nothing still holds for a failure: if a chunk fails (disk full, a constraint), the
// chunks already committed are undone from the roster as it was read for the plan, and the
// error is thrown on. Only a kiosk killed half-way leaves part of an import written; the import
// log says so and the next import (same plan, idempotent) completes it.
import type { Database as Db } from 'better-sqlite3';
import type { Student } from '../../../shared/model';
import type { WriteGate } from './write-gate';

/**
 * The source of a student an import wrote while still reading, not yet applied (`held`). Put on
 * the desk with the import's own source when it is applied; left by an import cut short by a kill,
 * they are taken off by the next import before it reads the roster (RosterStore.heldStudents).
 */
export const HELD_SOURCE = 'held';

/** A student as the roster held it before the import (CurrentStudent, kept structural here). */
export type StudentBefore = Student & { source: string };

export interface PlanToWrite {
  added: Student[];
  updated: { before: Student; after: Student }[];
  leavers: Student[];
  releasedBadges: { studentId: string; badge: string }[];
  /** `json`: the contacts as stored, where the plan has it already. */
  contacts: { studentId: string; contacts: unknown[]; json?: string }[];
  /** Students written held (see `held`) by an earlier write of this import, now put on the desk. */
  activate?: string[];
}

export interface ChunkedWriteOptions {
  source: string;
  nowIso: string;
  /** The source gave no photos: the plan was made without reading them, so leave them be. */
  keepPhotos: boolean;
  /** The roster before the import, by id, and its contacts (JSON by student id): for the undo. */
  before: Map<string, StudentBefore>;
  contactsBefore: Map<string, string>;
  /** Main-thread transactions go first (absent: in-process, nothing to wait for). */
  gate?: WriteGate;
  /** Longest a chunk holds the write lock, in ms (default 2: a scan waits for at most one). */
  chunkMs?: number;
  /** Called between chunks with the writes done so far; may await (the worker yields there). */
  between?: (done: number, total: number) => Promise<void> | void;
  /**
   * Write new students held: inactive (off the desk, out of the counts) until the import puts them
   * on (`activate`). The students an import writes while it still reads are held, so that an import
   * cut short, refused or failed never leaves half a roster on the desk, and a kiosk killed half-way
   * is no different, for the next import, from one that never started (its first roster is still
   * its first; a new year's intake is not on the desk before the admin approves the year).
   */
  held?: boolean;
  /** Runs in the LAST chunk's transaction (claiming demo students, clearing a staged year). */
  alsoInLastChunk?: (db: Db) => void;
}

/** One transaction of the worker's, flagged on the gate so a main-thread writer waits for its commit, not in the busy handler. */
function inChunk<T>(db: Db, gate: WriteGate | undefined, fn: () => T): T {
  gate?.beginChunk();
  try {
    return db.transaction(fn).immediate();
  } finally {
    gate?.endChunk();
  }
}

/** May a chunk begun at `t0` take another step? Not once a main-thread transaction waits, nor past `chunkMs`. */
function roomLeft(gate: WriteGate | undefined, t0: number, chunkMs: number): boolean {
  return !(gate && gate.waiting() > 0) && performance.now() - t0 < chunkMs;
}

/** Rows per statement for the bulk of an import (adds, changes, contacts); see runBatch. */
const BATCH = 32;

// The name index (FTS5, students_fts2) keeps its segments few by merging them as it goes: by
// default, once every 64 leaf pages written, the statement that wrote them also merges 64 pages
// per level of the index. During a 50,000-student import that statement ran 6–11 ms (one batched
// insert, in a chunk meant to hold the write lock 2 ms; issue 16's bench saw scans wait 9–20 ms at
// the write gate behind it). So an import turns that automatic merging off (pauseNameMerges) and
// does the same work in small steps, each a chunk of its own, one for every NAMES_PER_MERGE names
// written. Measured writing 45,000 students in pages of 200: a merge step of MERGE_PAGES pages took
// 0.3–1.9 ms, no insert statement over 1.5 ms (with FTS5's own merging: up to 6–11 ms), and the
// index ended as compact and as fast to search as before.
const NAMES_PER_MERGE = 200;
const MERGE_PAGES = 8;
/** FTS5's own default for 'automerge', put back when the import ends. */
const AUTOMERGE_DEFAULT = 4 as const;
/** Names written on a connection since its last merge step (kept across the calls of one import: one per page). */
const namesSinceMerge = new WeakMap<Db, number>();

/**
 * FTS5's own setting for the name index's automatic merging (0: off), kept in the index's config
 * table. In the SQL as a literal: FTS5 wants an integer, and better-sqlite3 binds a number as a real.
 */
function setAutomerge(db: Db, value: 0 | typeof AUTOMERGE_DEFAULT): void {
  db.prepare(`INSERT INTO students_fts2(students_fts2, rank) VALUES ('automerge', ${value})`).run();
}

/** At the kiosk's start: merging left off by an import a kill cut short is put back (a read, and a write only then). */
export function nameMergesAfterKill(db: Db): void {
  const v = db.prepare(`SELECT v FROM students_fts2_config WHERE k = 'automerge'`).pluck().get();
  if (v !== undefined && Number(v) === 0) setAutomerge(db, AUTOMERGE_DEFAULT);
}

/** Turn the name index's automatic merging off for an import (writePlanInChunks then merges in steps). */
export function pauseNameMerges(db: Db, gate?: WriteGate): void {
  inChunk(db, gate, () => setAutomerge(db, 0));
}

/**
 * Put the name index's automatic merging back (the import ended, however it ended). A kiosk
 * killed during an import leaves it off until the kiosk next starts (nameMergesAfterKill) or the
 * next import ends: the index still works meanwhile, and FTS5 still merges a level that reaches
 * 16 segments ('crisismerge').
 */
export function resumeNameMerges(db: Db, gate?: WriteGate): void {
  namesSinceMerge.delete(db);
  inChunk(db, gate, () => setAutomerge(db, AUTOMERGE_DEFAULT));
}

type Op =
  | { kind: 'clearBadge'; id: string }
  | { kind: 'upsert'; s: Student }
  | { kind: 'activate'; id: string }
  | { kind: 'deactivate'; id: string }
  | { kind: 'dropContacts'; id: string }
  | { kind: 'contacts'; id: string; json: string };

/**
 * The writer's statements, prepared once per connection (an import writing while it reads calls
 * writePlanInChunks once a page: 250 pages preparing six statements each cost ~0.1 s).
 */
const prepared = new WeakMap<Db, Map<string, ReturnType<typeof prepare>>>();
function statements(db: Db, keepPhotos: boolean, held: boolean) {
  let byKind = prepared.get(db);
  if (!byKind) prepared.set(db, (byKind = new Map()));
  const key = `${keepPhotos}:${held}`;
  let s = byKind.get(key);
  if (!s) byKind.set(key, (s = prepare(db, keepPhotos, held)));
  return s;
}

function prepare(db: Db, keepPhotos: boolean, held: boolean) {
  const photo = keepPhotos ? 'students.photo' : 'excluded.photo';
  // Held: a new student comes in inactive, marked HELD_SOURCE; one who is already there (added by
  // hand meanwhile) keeps their state and origin.
  const upsertSql = (rows: number) =>
    `INSERT INTO students (id, mis_id, forename, surname, year, form, group_id, badge, photo, active, source, updated_at)
     VALUES ${Array(rows).fill(held ? `(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '${HELD_SOURCE}', ?)` : '(?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)').join(', ')}
     ON CONFLICT(id) DO UPDATE SET mis_id = excluded.mis_id, forename = excluded.forename, surname = excluded.surname,
       year = excluded.year, form = excluded.form, group_id = excluded.group_id, badge = excluded.badge,
       photo = ${photo}, active = ${held ? 'students.active' : 1}, source = ${held ? 'students.source' : 'excluded.source'}, updated_at = excluded.updated_at`;
  const activateSql = (rows: number) => `UPDATE students SET active = 1, source = ?, updated_at = ? WHERE id IN (${Array(rows).fill('?').join(', ')})`;
  const contactsSql = (rows: number) =>
    `INSERT INTO student_contacts (student_id, json, updated_at) VALUES ${Array(rows).fill('(?, ?, ?)').join(', ')}
     ON CONFLICT(student_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`;
  return {
    clearBadge: db.prepare('UPDATE students SET badge = NULL, updated_at = ? WHERE id = ?'),
    upsert: db.prepare(upsertSql(1)),
    deactivate: db.prepare('UPDATE students SET active = 0, updated_at = ? WHERE id = ?'),
    dropContacts: db.prepare('DELETE FROM student_contacts WHERE student_id = ?'),
    putContacts: db.prepare(contactsSql(1)),
    upsertBatch: db.prepare(upsertSql(BATCH)),
    contactsBatch: db.prepare(contactsSql(BATCH)),
    activate: db.prepare(activateSql(1)),
    activateBatch: db.prepare(activateSql(BATCH)),
    mergeNames: db.prepare(`INSERT INTO students_fts2(students_fts2, rank) VALUES ('merge', ${MERGE_PAGES})`),
  };
}

function opsOf(plan: PlanToWrite): Op[] {
  const ops: Op[] = [];
  // Badges that move are cleared first, so a swap (A↔B) never trips the unique badge index.
  for (const r of plan.releasedBadges) ops.push({ kind: 'clearBadge', id: r.studentId });
  for (const u of plan.updated) if (u.before.badge && u.before.badge !== u.after.badge) ops.push({ kind: 'clearBadge', id: u.after.id });
  for (const s of plan.added) ops.push({ kind: 'upsert', s });
  for (const u of plan.updated) ops.push({ kind: 'upsert', s: u.after });
  for (const id of plan.activate ?? []) ops.push({ kind: 'activate', id });
  for (const s of plan.leavers) ops.push({ kind: 'deactivate', id: s.id });
  // Issue 17 (docs/privacy.md): a leaver's contacts (who may collect them, phones, e-mails) go with them.
  for (const s of plan.leavers) ops.push({ kind: 'dropContacts', id: s.id });
  for (const c of plan.contacts) ops.push({ kind: 'contacts', id: c.studentId, json: c.json ?? JSON.stringify(c.contacts) });
  return ops;
}

/**
 * Put back what an earlier, fully written plan changed (the students an import wrote while still
 * reading, when the import is then refused), from the roster as it was read for that plan.
 */
export async function undoPlan(db: Db, plan: PlanToWrite, o: ChunkedWriteOptions): Promise<void> {
  const ops = opsOf(plan);
  if (ops.length) await undo(db, ops, o);
}

export async function writePlanInChunks(db: Db, plan: PlanToWrite, o: ChunkedWriteOptions): Promise<void> {
  const ops = opsOf(plan);

  const { clearBadge, upsert, deactivate, dropContacts, putContacts, upsertBatch, contactsBatch, activate, activateBatch, mergeNames } = statements(db, o.keepPhotos, o.held ?? false);
  let names = namesSinceMerge.get(db) ?? 0;
  const held = o.held ?? false;
  const upsertArgs = (s: Student, into: unknown[]) =>
    held ? into.push(s.id, s.misId, s.forename, s.surname, s.year, s.form, s.groupId, s.badge, s.photo, o.nowIso) : into.push(s.id, s.misId, s.forename, s.surname, s.year, s.form, s.groupId, s.badge, s.photo, o.source, o.nowIso);
  const run = (op: Op) => {
    switch (op.kind) {
      case 'clearBadge':
        return clearBadge.run(o.nowIso, op.id);
      case 'upsert': {
        const args: unknown[] = [];
        names++;
        upsertArgs(op.s, args);
        return upsert.run(...args);
      }
      case 'activate':
        return activate.run(o.source, o.nowIso, op.id);
      case 'deactivate':
        return deactivate.run(o.nowIso, op.id);
      case 'dropContacts':
        return dropContacts.run(op.id);
      case 'contacts':
        return putContacts.run(op.id, op.json, o.nowIso);
    }
  };
  // Rows of the same kind go BATCH to a statement. A statement that writes students opens a
  // statement savepoint (its trigger writes the name index, students_fts2), and FTS5 flushes its
  // pending terms at every savepoint: one student per statement cost ~20 µs of index work per
  // student against ~4 µs for the same rows inserted in bulk (50,000 students: ~1.3 s → ~0.6 s
  // with their contacts). Same rows, same order, same all-or-nothing (a failing statement fails
  // its chunk, which is rolled back whole).
  const runBatch = (i: number): number => {
    const op = ops[i]!;
    if ((op.kind === 'upsert' || op.kind === 'contacts' || op.kind === 'activate') && i + BATCH <= ops.length && ops[i + BATCH - 1]!.kind === op.kind) {
      const args: unknown[] = [];
      if (op.kind === 'upsert') {
        for (let k = i; k < i + BATCH; k++) upsertArgs((ops[k] as Extract<Op, { kind: 'upsert' }>).s, args);
        upsertBatch.run(...args);
        names += BATCH;
      } else if (op.kind === 'activate') {
        args.push(o.source, o.nowIso);
        for (let k = i; k < i + BATCH; k++) args.push((ops[k] as Extract<Op, { kind: 'activate' }>).id);
        activateBatch.run(...args);
      } else {
        for (let k = i; k < i + BATCH; k++) {
          const c = ops[k] as Extract<Op, { kind: 'contacts' }>;
          args.push(c.id, c.json, o.nowIso);
        }
        contactsBatch.run(...args);
      }
      return i + BATCH;
    }
    run(op);
    return i + 1;
  };

  if (ops.length === 0) {
    // Nothing to write (the usual night); the last-chunk work still runs, in its own transaction.
    if (o.alsoInLastChunk) inChunk(db, o.gate, () => o.alsoInLastChunk!(db));
    return;
  }
  const chunkMs = o.chunkMs ?? 2;
  const gate = o.gate;
  let done = 0;
  try {
    do {
      // The name index's merge work, a chunk of its own (see NAMES_PER_MERGE).
      if (names >= NAMES_PER_MERGE) {
        inChunk(db, gate, () => mergeNames.run());
        names = 0;
        if (o.between) await o.between(done, ops.length);
      }
      const from = done;
      const last = inChunk(db, gate, () => {
        const t0 = performance.now();
        let i = from;
        // At least one statement per chunk; then as many as fit in chunkMs, unless a main-thread
        // transaction starts waiting (both checked after every statement: a statement of BATCH
        // rows takes a good fraction of a millisecond, the checks a few nanoseconds).
        do i = runBatch(i);
        while (i < ops.length && roomLeft(gate, t0, chunkMs));
        if (i >= ops.length) o.alsoInLastChunk?.(db);
        return i;
      });
      done = last;
      namesSinceMerge.set(db, names);
      if (o.between) await o.between(done, ops.length);
    } while (done < ops.length);
  } catch (e) {
    if (done > 0) {
      try {
        await undo(db, ops.slice(0, done), o);
      } catch (u) {
        // The failure that stopped the write is the one to report; the undo's goes with it.
        if (e instanceof Error) e.message += `; taking back what was already written failed too: ${(u as Error).message}`;
      }
    }
    throw e;
  }
}

/**
 * Take students that an import cut short had written held (never put on the desk) off the roster,
 * with their contacts: nothing was there before them.
 */
export async function removeHeld(db: Db, ids: string[], o: Pick<ChunkedWriteOptions, 'nowIso' | 'gate' | 'between' | 'chunkMs'>): Promise<void> {
  const none = new Map();
  await undoStudents(db, ids, ids, { ...o, source: HELD_SOURCE, keepPhotos: true, before: none, contactsBefore: none });
}

/** Put back what the committed chunks changed, from the roster as it was read for the plan. */
async function undo(db: Db, written: Op[], o: ChunkedWriteOptions): Promise<void> {
  const students = new Set<string>();
  const contacts = new Set<string>();
  for (const op of written) {
    if (op.kind === 'contacts' || op.kind === 'dropContacts') contacts.add(op.id);
    else students.add(op.kind === 'upsert' ? op.s.id : op.id);
  }
  await undoStudents(db, [...students], [...contacts], o);
}

/** Students and contacts back as `o.before` / `o.contactsBefore` hold them; one not there before is deleted. */
async function undoStudents(db: Db, ids: string[], contacts: string[], o: ChunkedWriteOptions): Promise<void> {
  const clear = db.prepare('UPDATE students SET badge = NULL WHERE id = ?');
  const restore = db.prepare(
    `UPDATE students SET mis_id = ?, forename = ?, surname = ?, year = ?, form = ?, group_id = ?, badge = ?,
       photo = CASE WHEN ? THEN photo ELSE ? END, active = ?, source = ?, updated_at = ? WHERE id = ?`,
  );
  const remove = db.prepare('DELETE FROM students WHERE id = ?');
  // A student added tonight who already signed in (a scan during the import) cannot be deleted:
  // they are deactivated instead, their sign-in kept.
  const retire = db.prepare('UPDATE students SET active = 0, badge = NULL, updated_at = ? WHERE id = ?');
  // Put back as they were, whether the import changed them or deleted them (a leaver's).
  const putContacts = db.prepare(
    `INSERT INTO student_contacts (student_id, json, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(student_id) DO UPDATE SET json = excluded.json`,
  );
  const dropContacts = db.prepare('DELETE FROM student_contacts WHERE student_id = ?');
  const savepoint = db.prepare('SAVEPOINT undo_one');
  const release = db.prepare('RELEASE undo_one');
  const rollbackTo = db.prepare('ROLLBACK TO undo_one');
  // Short gated chunks, as the writing: a scan waits for at most one of them.
  const chunkMs = o.chunkMs ?? 2;
  const inChunks = async <T>(items: T[], each: (x: T) => void) => {
    for (let i = 0; i < items.length; ) {
      i = inChunk(db, o.gate, () => {
        const t0 = performance.now();
        let k = i;
        do each(items[k++]!);
        while (k < items.length && roomLeft(o.gate, t0, chunkMs));
        return k;
      });
      if (o.between) await o.between(0, 0);
    }
  };
  // Badges first (all of them), so that putting one back never meets a badge moved tonight.
  await inChunks(ids, (id) => clear.run(id));
  await inChunks(contacts, (id) => {
    const json = o.contactsBefore.get(id);
    if (json === undefined) dropContacts.run(id);
    else putContacts.run(id, json, o.nowIso);
  });
  await inChunks(ids, (id) => {
    const b = o.before.get(id);
    if (b) {
      restore.run(b.misId, b.forename, b.surname, b.year, b.form, b.groupId, b.badge, o.keepPhotos ? 1 : 0, b.photo, b.active ? 1 : 0, b.source, o.nowIso, id);
      return;
    }
    try {
      savepoint.run();
      // Contacts first (written early and already applied, they may not be in `contacts`): so a
      // sign-in is the only thing that can keep the student.
      dropContacts.run(id);
      remove.run(id);
      release.run();
    } catch (e) {
      // Only a sign-in of their own (the events' foreign key) keeps a student; any other failure
      // is the undo's own and is thrown as it came. So is one after which SQLite rolled back the
      // whole transaction (a full disk, an I/O error): the savepoint is gone with it, and going
      // back to it would throw "no such savepoint" in place of the error that matters.
      if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY' || !db.inTransaction) throw e;
      rollbackTo.run();
      release.run();
      retire.run(o.nowIso, id);
    }
  });
}
