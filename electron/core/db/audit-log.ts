// The audit log (audit_log): who changed what, when, with the value before and after. Append
// only; the staff desk reads it back. Callers that write an entry inside their own transaction
// call appendAudit inside it, so the change and its record commit together.
import type { Db } from './database';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  subject: string;
  before: string | null;
  after: string | null;
}

export function appendAudit(db: Db, e: AuditEntry): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, ?, ?, ?, ?, ?)').run(e.at, e.actor, e.action, e.subject, e.before, e.after);
}
