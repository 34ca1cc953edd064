// The audit log (audit_log): who did what, when, with the before and after. Rows are only ever
// appended. Callers that write an entry inside their own transaction (retention, recovery, the
// roster) call appendAudit inside it, so the change and its record commit together.
import type { Db } from './database';

export interface AuditRow {
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  before: string | null;
  after: string | null;
}

export class AuditRepository {
  constructor(private readonly db: Db) {}

  append(at: string, actor: string, action: string, subject: string | null, before: unknown, after: unknown): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, ?, ?, ?, ?, ?)')
      .run(at, actor, action, subject, before === null || before === undefined ? null : JSON.stringify(before), after === null || after === undefined ? null : JSON.stringify(after));
  }

  /** The newest rows first. */
  latest(limit: number): AuditRow[] {
    return this.db.prepare('SELECT at, actor, action, subject, before, after FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditRow[];
  }
}

/** An entry whose before/after are already text (or null), for callers inside their own transaction. */
export interface AuditEntry extends AuditRow {
  subject: string;
}

export function appendAudit(db: Db, e: AuditEntry): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, ?, ?, ?, ?, ?)').run(e.at, e.actor, e.action, e.subject, e.before, e.after);
}
