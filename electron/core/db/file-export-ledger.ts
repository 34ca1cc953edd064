// The export ledger: which marks were handed to the file export, and which file carried each.
// Its own small SQLite file next to the kiosk database, because a mark must be exported exactly
// once even across crashes: a mark is staged once (keyed by its outbox row), claimed by one run in
// the same transaction that creates the run, and a run that did not finish is written again —
// same records, same file name — before any new run starts.
import Database from 'better-sqlite3';
import { bindingOptions } from './database';
import type { Database as Db } from 'better-sqlite3';
import type { ExportRecord } from '../mis/fileexport/render';

// 2: marks are keyed by what they are, not by the outbox row id alone — row ids come back after a
// database restore or a purge, and a new mark must never be taken for one already exported.
const SCHEMA_VERSION = 2;

export interface ExportRun {
  id: number;
  kind: 'scheduled' | 'manual' | 'rerun';
  day: string | null;
  fileName: string;
  state: 'writing' | 'done';
  records: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

interface RunRow {
  id: number;
  kind: ExportRun['kind'];
  day: string | null;
  file_name: string;
  state: ExportRun['state'];
  records: number;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

const toRun = (r: RunRow): ExportRun => ({
  id: r.id,
  kind: r.kind,
  day: r.day,
  fileName: r.file_name,
  state: r.state,
  records: r.records,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
});

/** The same mark resent (after a crash) has the same key; a different mark on a reused outbox id does not. */
function markKey(r: ExportRecord): string {
  return [r.ref, r.studentId, r.date, r.time, r.direction, r.code].join('|');
}

export class ExportLedger {
  private readonly db: Db;

  constructor(file: string, nativeBinding?: string) {
    this.db = new Database(file, bindingOptions(nativeBinding));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`The file-export ledger ${file} was written by a newer Passdesk (version ${version}). Install that version again.`);
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS staged (
        ref INTEGER PRIMARY KEY AUTOINCREMENT,
        mark_key TEXT NOT NULL UNIQUE,
        date TEXT NOT NULL,
        school_id TEXT NOT NULL,
        record TEXT NOT NULL,
        staged_at TEXT NOT NULL,
        run_id INTEGER
      );
      CREATE INDEX IF NOT EXISTS staged_waiting ON staged (run_id, date);
      CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        day TEXT,
        file_name TEXT NOT NULL,
        state TEXT NOT NULL,
        records INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT
      );
      CREATE TABLE IF NOT EXISTS run_records (run_id INTEGER NOT NULL, ref INTEGER NOT NULL, PRIMARY KEY (run_id, ref));
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  close(): void {
    this.db.close();
  }

  /** Stage marks; a mark staged before (a resend after a crash) is left as it was. Durable on return. */
  stage(records: readonly ExportRecord[], nowIso: string): number {
    const ins = this.db.prepare(`INSERT OR IGNORE INTO staged (mark_key, date, school_id, record, staged_at) VALUES (?, ?, ?, ?, ?)`);
    return this.db.transaction(() => records.reduce((n, r) => n + ins.run(markKey(r), r.date, r.schoolId, JSON.stringify(r), nowIso).changes, 0))();
  }

  /** A run that was claimed but whose file was not confirmed written (crash, share offline). */
  unfinished(): ExportRun | null {
    const r = this.db.prepare(`SELECT * FROM runs WHERE state = 'writing' ORDER BY id LIMIT 1`).get() as RunRow | undefined;
    return r ? toRun(r) : null;
  }

  /**
   * Create a run and claim every waiting mark of the given schools for it, in one transaction.
   * `fileName` gets the run id. Returns null when there is nothing to export and `allowEmpty` is off.
   */
  claim(kind: 'scheduled' | 'manual', schools: readonly string[], fileName: (runId: number) => string, nowIso: string, allowEmpty: boolean): ExportRun | null {
    return this.db.transaction(() => {
      const filter = schools.length ? `AND school_id IN (${schools.map(() => '?').join(',')})` : '';
      const refs = (this.db.prepare(`SELECT ref FROM staged WHERE run_id IS NULL ${filter} ORDER BY ref`).all(...schools) as { ref: number }[]).map((r) => r.ref);
      if (refs.length === 0 && !allowEmpty) return null;
      const id = Number(this.db.prepare(`INSERT INTO runs (kind, file_name, state, records, started_at) VALUES (?, '', 'writing', ?, ?)`).run(kind, refs.length, nowIso).lastInsertRowid);
      const name = fileName(id);
      this.db.prepare(`UPDATE runs SET file_name = ? WHERE id = ?`).run(name, id);
      const mark = this.db.prepare(`UPDATE staged SET run_id = ? WHERE ref = ? AND run_id IS NULL`);
      const link = this.db.prepare(`INSERT INTO run_records (run_id, ref) VALUES (?, ?)`);
      for (const ref of refs) {
        mark.run(id, ref);
        link.run(id, ref);
      }
      return this.run(id);
    })();
  }

  /** A re-run of one day: every staged mark of that day, exported or not, into a new file. */
  claimDay(day: string, schools: readonly string[], fileName: (runId: number) => string, nowIso: string): ExportRun {
    return this.db.transaction(() => {
      const filter = schools.length ? `AND school_id IN (${schools.map(() => '?').join(',')})` : '';
      const refs = (this.db.prepare(`SELECT ref FROM staged WHERE date = ? ${filter} ORDER BY ref`).all(day, ...schools) as { ref: number }[]).map((r) => r.ref);
      const id = Number(this.db.prepare(`INSERT INTO runs (kind, day, file_name, state, records, started_at) VALUES ('rerun', ?, '', 'writing', ?, ?)`).run(day, refs.length, nowIso).lastInsertRowid);
      this.db.prepare(`UPDATE runs SET file_name = ? WHERE id = ?`).run(fileName(id), id);
      const link = this.db.prepare(`INSERT INTO run_records (run_id, ref) VALUES (?, ?)`);
      // Marks of that day not yet exported go out with the re-run, not again in the next file.
      const mark = this.db.prepare(`UPDATE staged SET run_id = ? WHERE ref = ? AND run_id IS NULL`);
      for (const ref of refs) {
        link.run(id, ref);
        mark.run(id, ref);
      }
      return this.run(id);
    })();
  }

  records(runId: number): ExportRecord[] {
    return (this.db.prepare(`SELECT s.record FROM run_records r JOIN staged s ON s.ref = r.ref WHERE r.run_id = ? ORDER BY s.ref`).all(runId) as { record: string }[]).map(
      (r) => JSON.parse(r.record) as ExportRecord,
    );
  }

  finish(runId: number, nowIso: string): void {
    this.db.prepare(`UPDATE runs SET state = 'done', finished_at = ?, error = NULL WHERE id = ?`).run(nowIso, runId);
  }

  failed(runId: number, message: string): void {
    this.db.prepare(`UPDATE runs SET error = ? WHERE id = ?`).run(message, runId);
  }

  run(id: number): ExportRun {
    return toRun(this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow);
  }

  recentRuns(limit = 50): ExportRun[] {
    return (this.db.prepare(`SELECT * FROM runs ORDER BY id DESC LIMIT ?`).all(limit) as RunRow[]).map(toRun);
  }

  waiting(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM staged WHERE run_id IS NULL`).get() as { n: number }).n;
  }
}
