// Issue 17: who collected a student (table event_collectors, migration 010), the student's stored
// contacts as the collector buttons need them, and the day's standing events the roll call is
// made from. All SQL of the feature lives here.
import type { Db } from './database';
import type { CollectorView } from '../../../shared/roll-call';
import type { SignEvent } from '../../../shared/model';
import { rowToEvent } from './events';

export interface CollectorRow extends CollectorView {
  eventId: string;
  studentId: string;
  approvedBy: string | null;
  approvedAt: string | null;
}

interface Row {
  event_id: string;
  student_id: string;
  name: string;
  relationship: string | null;
  kind: CollectorView['kind'];
  approval: CollectorView['approval'];
  approved_by: string | null;
  approved_at: string | null;
}

const toCollector = (r: Row): CollectorRow => ({
  eventId: r.event_id,
  studentId: r.student_id,
  name: r.name,
  relationship: r.relationship,
  kind: r.kind,
  approval: r.approval,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
});

/** One standing event of the day with its student and collector, for the roll call. */
export interface DayEventRow {
  event: SignEvent;
  forename: string;
  surname: string;
  year: number | null;
  form: string | null;
  collector: CollectorView | null;
}

export class CollectorRepository {
  private readonly insertStmt;
  private readonly byEventStmt;
  private readonly approveStmt;
  private readonly contactsStmt;
  private readonly dayStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO event_collectors (event_id, student_id, name, relationship, kind, approval, created_at)
       VALUES (@eventId, @studentId, @name, @relationship, @kind, @approval, @createdAt)`,
    );
    // An override (staff changed the reason) supersedes the event the collector was named on:
    // the new event finds it through `supersedes`.
    this.byEventStmt = db.prepare(
      `SELECT c.* FROM event_collectors c
       WHERE c.event_id = @id OR c.event_id = (SELECT supersedes FROM events WHERE id = @id)
       ORDER BY c.event_id = @id DESC LIMIT 1`,
    );
    this.approveStmt = db.prepare(
      `UPDATE event_collectors SET approval = 'approved', approved_by = ?, approved_at = ? WHERE event_id = ? AND approval = 'pending'`,
    );
    this.contactsStmt = db.prepare('SELECT json FROM student_contacts WHERE student_id = ?');
    this.dayStmt = db.prepare(
      `SELECT e.*, s.forename AS s_forename, s.surname AS s_surname, s.year AS s_year, s.form AS s_form,
              c.name AS c_name, c.relationship AS c_relationship, c.kind AS c_kind, c.approval AS c_approval
       FROM events e
       JOIN students s ON s.id = e.student_id
       LEFT JOIN event_collectors c ON c.event_id = COALESCE(
         (SELECT x.event_id FROM event_collectors x WHERE x.event_id = e.id),
         e.supersedes)
       WHERE e.local_date = ? AND e.superseded_by IS NULL
       ORDER BY e.occurred_at, e.rowid`,
    );
  }

  insert(c: Omit<CollectorRow, 'approvedBy' | 'approvedAt'>, createdAt: string): void {
    this.insertStmt.run({ ...c, createdAt });
  }

  ofEvent(eventId: string): CollectorRow | null {
    const r = this.byEventStmt.get({ id: eventId }) as Row | undefined;
    return r ? toCollector(r) : null;
  }

  /** true when a pending collector became approved (false: none, or already approved). */
  approve(eventId: string, actor: string, at: string): boolean {
    return this.approveStmt.run(actor, at, eventId).changes > 0;
  }

  /** The student's contacts as stored by the roster import (JSON, validated by the caller). */
  storedContacts(studentId: string): unknown[] {
    const r = this.contactsStmt.get(studentId) as { json: string } | undefined;
    if (!r) return [];
    try {
      const v = JSON.parse(r.json) as unknown;
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  }

  /** The day's standing events (not superseded), oldest first, with student and collector. */
  day(localDate: string): DayEventRow[] {
    const rows = this.dayStmt.all(localDate) as (Parameters<typeof rowToEvent>[0] & {
      s_forename: string;
      s_surname: string;
      s_year: number | null;
      s_form: string | null;
      c_name: string | null;
      c_relationship: string | null;
      c_kind: CollectorView['kind'] | null;
      c_approval: CollectorView['approval'] | null;
    })[];
    return rows.map((r) => ({
      event: rowToEvent(r),
      forename: r.s_forename,
      surname: r.s_surname,
      year: r.s_year,
      form: r.s_form,
      collector: r.c_name !== null && r.c_kind && r.c_approval ? { name: r.c_name, relationship: r.c_relationship, kind: r.c_kind, approval: r.c_approval } : null,
    }));
  }
}
