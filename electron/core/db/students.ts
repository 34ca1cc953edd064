// The students table: look-ups on the scan path (indexed by badge) and the name search
// for the forgot-my-badge path (FTS5, prefix match on first name and surname).
import type { Db } from './database';
import type { Student } from '../../../shared/model';

interface StudentRow {
  id: string;
  mis_id: string | null;
  forename: string;
  surname: string;
  year: number | null;
  form: string | null;
  group_id: string | null;
  badge: string | null;
  photo: string | null;
  active: number;
}

export function rowToStudent(r: StudentRow): Student {
  return {
    id: r.id,
    misId: r.mis_id,
    forename: r.forename,
    surname: r.surname,
    year: r.year,
    form: r.form,
    groupId: r.group_id,
    badge: r.badge,
    photo: r.photo,
    active: r.active === 1,
  };
}

/** Up to this many name matches, the search ranks them (bm25); beyond, it shows the first ones (issue 16). */
const RANKED_UP_TO = 300;

export class StudentRepository {
  private readonly byBadge;
  private readonly byId;
  private readonly searchStmt;
  private readonly searchCount;
  private readonly searchFirst;
  private readonly upsertStmt;

  constructor(private readonly db: Db) {
    this.byBadge = db.prepare('SELECT * FROM students WHERE badge = ?');
    this.byId = db.prepare('SELECT * FROM students WHERE id = ?');
    // Issue 16: ranked (bm25) as before, but the rank is computed over row ids only and the
    // rows (photos and all) are read for the few shown.
    this.searchStmt = db.prepare(
      `WITH hits AS (
         SELECT f.rowid AS rid, f.rank AS r FROM students_fts2 f JOIN students s ON s.rowid = f.rowid
         WHERE students_fts2 MATCH ? AND s.active = 1 ORDER BY f.rank LIMIT ?)
       SELECT s.* FROM hits JOIN students s ON s.rowid = hits.rid ORDER BY hits.r`,
    );
    this.searchCount = db.prepare(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM students_fts2 WHERE students_fts2 MATCH ? LIMIT ${RANKED_UP_TO + 1})`);
    this.searchFirst = db.prepare(
      `SELECT s.* FROM students_fts2 f JOIN students s ON s.rowid = f.rowid WHERE students_fts2 MATCH ? AND s.active = 1 LIMIT ?`,
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO students (id, mis_id, forename, surname, year, form, group_id, badge, photo, active, source, updated_at)
       VALUES (@id, @misId, @forename, @surname, @year, @form, @groupId, @badge, @photo, @active, @source, @updatedAt)
       ON CONFLICT(id) DO UPDATE SET mis_id = excluded.mis_id, forename = excluded.forename, surname = excluded.surname,
         year = excluded.year, form = excluded.form, group_id = excluded.group_id, badge = excluded.badge,
         photo = excluded.photo, active = excluded.active, source = excluded.source, updated_at = excluded.updated_at`,
    );
  }

  findByBadge(badge: string): Student | null {
    const r = this.byBadge.get(badge) as StudentRow | undefined;
    return r ? rowToStudent(r) : null;
  }

  get(id: string): Student | null {
    const r = this.byId.get(id) as StudentRow | undefined;
    return r ? rowToStudent(r) : null;
  }

  /** A student's name by MIS id (the file export names students in its files). */
  nameByMisId(misId: string): { forename: string; surname: string } | null {
    return (this.db.prepare('SELECT forename, surname FROM students WHERE mis_id = ?').get(misId) as { forename: string; surname: string } | undefined) ?? null;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM students').get() as { n: number }).n;
  }

  /** Prefix search on each word typed: "ame sm" finds Amelia Smith. */
  search(query: string, limit: number): Student[] {
    // The FTS tokenizer splits "O'Brien" into "o" and "brien", "Berners-Lee" into two words:
    // split the query the same way, so that what the student types finds what is stored.
    const terms = query
      .normalize('NFKC')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((t) => t.length > 0)
      .slice(0, 5);
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t}"*`).join(' ');
    // A letter or two of a common name matches thousands: ranking them all (bm25 reads every
    // match's positions and size) is what took 2–9 ms at 50,000 students, and their order
    // carries no meaning: the student types on. Beyond RANKED_UP_TO matches the first `limit`
    // in roster order are shown; up to it, the ranked order as before.
    const many = (this.searchCount.get(match) as { n: number }).n > RANKED_UP_TO;
    return ((many ? this.searchFirst : this.searchStmt).all(match, limit) as StudentRow[]).map(rowToStudent);
  }

  /** Insert or update many students in one transaction (the caller validates first). */
  upsertMany(students: Student[], source: string, nowIso: string): void {
    const tx = this.db.transaction((rows: Student[]) => {
      for (const s of rows) {
        this.upsertStmt.run({ ...s, active: s.active ? 1 : 0, source, updatedAt: nowIso });
      }
    });
    tx(students);
  }
}
