// After a corrupt database has been replaced by a backup, read what can still be read from the
// damaged file and put back the rows the backup does not have: the sign-ins of the hours since
// the last backup are usually on pages that are perfectly fine. Row by row, so one bad page
// costs the rows on it, not the whole table; the newer copy of a row wins (an outbox row that
// the damaged file says was sent is not sent again).
import Database from 'better-sqlite3';
import { bindingOptions, type Db } from './database';
import { carryLateNotes } from './late-counts';

export interface SalvageResult {
  /** Rows written into the new database, per table. */
  rows: Record<string, number>;
  /** Tables that could not be read to the end (rows after the bad page are lost). */
  partialTables: string[];
  /** Rows dropped because what they point to could not be salvaged (an event of an unknown student). */
  orphansDropped: number;
  problem: string | null;
}

// Parents before children, so the order of the copy is also the order of the foreign keys.
const FIRST = ['settings', 'students', 'events', 'outbox', 'passes'];
// late_pending (issue 16) names the damaged file's events by rowid, which the copy does not
// keep: its notes are carried over by event id instead (below).
const SKIP = /^(sqlite_|students_fts|late_pending$)/;

export function salvageInto(target: Db, damagedFile: string, nativeBinding?: string): SalvageResult {
  const result: SalvageResult = { rows: {}, partialTables: [], orphansDropped: 0, problem: null };
  let source: Db;
  try {
    source = new Database(damagedFile, { readonly: true, fileMustExist: true, ...bindingOptions(nativeBinding) });
  } catch (e) {
    return { ...result, problem: `The damaged database cannot be opened at all: ${(e as Error).message}` };
  }
  try {
    let sourceTables: string[];
    try {
      sourceTables = (source.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    } catch (e) {
      return { ...result, problem: `The damaged database's table list cannot be read: ${(e as Error).message}` };
    }
    const targetTables = new Set(
      (target.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'`).all() as { name: string }[]).map((r) => r.name),
    );
    const tables = [...FIRST.filter((t) => sourceTables.includes(t)), ...sourceTables.filter((t) => !FIRST.includes(t)).sort()].filter(
      (t) => targetTables.has(t) && !SKIP.test(t),
    );

    const inserted = new Map<string, number[]>();
    // Foreign keys are checked once at the end, not row by row: an event may come before the
    // override event it points to.
    target.pragma('foreign_keys = OFF');
    target.pragma('recursive_triggers = ON');
    try {
      target.transaction(() => {
        for (const table of tables) copyTable(source, target, table, result, inserted);
        result.orphansDropped = dropOrphans(target, inserted);
        // The lateness counts were copied as the damaged file had them; the insert trigger noted
        // every late read back again. Only the lates still pending in the damaged file are not
        // in those counts: the notes become exactly those.
        if (targetTables.has('late_pending')) carryLateNotes(source, target);
        if (targetTables.has('students')) {
          // REPLACE of a student does not run the delete trigger on every SQLite build: rebuild the name index
          // (students_fts2 since migration 009, issue 16).
          try {
            target.exec(`INSERT INTO students_fts2(students_fts2) VALUES ('rebuild')`);
          } catch {
            // No name index in this schema.
          }
        }
      })();
    } finally {
      target.pragma('recursive_triggers = OFF');
      target.pragma('foreign_keys = ON');
    }
    return result;
  } finally {
    source.close();
  }
}

function copyTable(source: Db, target: Db, table: string, result: SalvageResult, inserted: Map<string, number[]>): void {
  const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
  const cols = (db: Db) => (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
  const targetCols = new Set(cols(target));
  const shared = cols(source).filter((c) => targetCols.has(c));
  if (!shared.length) return;
  const insert = target.prepare(`INSERT OR REPLACE INTO ${q(table)} (${shared.map(q).join(', ')}) VALUES (${shared.map(() => '?').join(', ')})`);
  const rowids: number[] = [];
  let n = 0;
  try {
    const read = source.prepare(`SELECT ${shared.map(q).join(', ')} FROM ${q(table)}`).raw(true);
    for (const row of read.iterate() as Iterable<unknown[]>) {
      try {
        const info = insert.run(...row);
        if (info.changes > 0) {
          n++;
          rowids.push(Number(info.lastInsertRowid));
        }
      } catch {
        // A row that breaks a constraint of the new schema is skipped, not fatal.
      }
    }
  } catch {
    result.partialTables.push(table);
  }
  if (n) result.rows[table] = n;
  inserted.set(table, rowids);
}

/** Delete salvaged rows whose parent row is missing, repeatedly (an orphaned event orphans its outbox row). */
function dropOrphans(target: Db, inserted: Map<string, number[]>): number {
  let dropped = 0;
  for (let round = 0; round < 10; round++) {
    const violations = target.pragma('foreign_key_check') as { table: string; rowid: number | null }[];
    const ours = violations.filter((v) => v.rowid !== null && inserted.get(v.table)?.includes(v.rowid));
    if (!ours.length) break;
    for (const v of ours) {
      target.prepare(`DELETE FROM "${v.table.replace(/"/g, '""')}" WHERE rowid = ?`).run(v.rowid);
      dropped++;
    }
  }
  return dropped;
}

