// The roster's tables: reading the whole roster for a sync, applying a plan in ONE transaction
// (a failed import leaves yesterday's roster intact), the import log, saved column mappings,
// the pending new academic year, contacts, and the roster settings document.
import type { Db } from './database';
import { HELD_SOURCE } from './roster-writer';
import { saveSettingsDocument } from './settings-store';
import { columnMapping, type ColumnMapping } from '../roster/csv';
import { rosterConfig, type RosterConfig } from '../roster/config';
import type { RosterIssue, RosterRecord } from '../roster/model';
import type { CurrentStudent, PlanCounts } from '../roster/plan';
import type { RolloverVerdict } from '../roster/seasons';

export type ImportTrigger = 'scheduled' | 'manual' | 'rollover_approval';
export type ImportOutcome = 'running' | 'applied' | 'frozen' | 'rollover_pending' | 'refused' | 'failed';

export interface ImportRun {
  id: number;
  trigger: ImportTrigger;
  sourceKind: string;
  sourceLabel: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: ImportOutcome;
  counts: Partial<PlanCounts> & { held?: PlanCounts; groups?: Record<string, number> };
  issueCount: number;
  issues: RosterIssue[];
  message: string | null;
}

export interface PendingRollover {
  importId: number;
  detectedAt: string;
  sourceKind: string;
  sourceLabel: string;
  verdict: RolloverVerdict;
  records: RosterRecord[];
}

/** How many issues an import keeps for the admin screen; the count is always exact. */
export const KEPT_ISSUES = 500;

interface ImportRow {
  id: number;
  trigger: ImportTrigger;
  source_kind: string;
  source_label: string;
  started_at: string;
  finished_at: string | null;
  outcome: ImportOutcome;
  counts: string;
  issue_count: number;
  issues: string;
  message: string | null;
}

const toRun = (r: ImportRow): ImportRun => ({
  id: r.id,
  trigger: r.trigger,
  sourceKind: r.source_kind,
  sourceLabel: r.source_label,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  outcome: r.outcome,
  counts: JSON.parse(r.counts) as ImportRun['counts'],
  issueCount: r.issue_count,
  issues: JSON.parse(r.issues) as RosterIssue[],
  message: r.message,
});

export class RosterStore {
  constructor(private readonly db: Db) {}

  /**
   * Every student row, inactive ones too (a returning student is reactivated, not duplicated).
   * Photos are large: they are read only when the source brings photos to compare with.
   */
  currentStudents(withPhotos = true): CurrentStudent[] {
    const rows = this.db
      .prepare(`SELECT id, mis_id, forename, surname, year, form, group_id, badge, ${withPhotos ? 'photo' : 'NULL'}, active, source FROM students`)
      .raw()
      .all() as [string, string | null, string, string, number | null, string | null, string | null, string | null, string | null, number, string][];
    return rows.map(([id, misId, forename, surname, year, form, groupId, badge, photo, active, source]) => ({
      id,
      misId,
      forename,
      surname,
      year,
      form,
      groupId,
      badge,
      photo,
      active: active === 1,
      source,
    }));
  }

  /** Students an import wrote while reading and never applied (it was cut short by a kill): HELD_SOURCE. */
  heldStudents(): string[] {
    return this.db.prepare('SELECT id FROM students WHERE source = ?').pluck().all(HELD_SOURCE) as string[];
  }

  /** The photos the kiosk holds, by student id (read only when a source brings photos to compare with). */
  currentPhotos(): Map<string, string> {
    const rows = this.db.prepare('SELECT id, photo FROM students WHERE photo IS NOT NULL').raw().all() as [string, string][];
    return new Map(rows);
  }

  currentContacts(): Map<string, string> {
    const rows = this.db.prepare('SELECT student_id, json FROM student_contacts').raw().all() as [string, string][];
    return new Map(rows);
  }

  contactsOf(studentId: string): unknown[] {
    const r = this.db.prepare('SELECT json FROM student_contacts WHERE student_id = ?').get(studentId) as { json: string } | undefined;
    return r ? (JSON.parse(r.json) as unknown[]) : [];
  }

  /** Demo students a real roster lists (same ids) become that source's, so they never leave as demo. */
  claimDemo(ids: readonly string[], source: string): void {
    const claim = this.db.prepare(`UPDATE students SET source = ? WHERE id = ? AND source = 'demo'`);
    for (const id of ids) claim.run(source, id);
  }

  // ---- the import log --------------------------------------------------------------------

  beginRun(trigger: ImportTrigger, sourceKind: string, sourceLabel: string, nowIso: string): number {
    return Number(
      this.db
        .prepare('INSERT INTO roster_imports (trigger, source_kind, source_label, started_at) VALUES (?, ?, ?, ?)')
        .run(trigger, sourceKind, sourceLabel, nowIso).lastInsertRowid,
    );
  }

  finishRun(
    id: number,
    outcome: Exclude<ImportOutcome, 'running'>,
    nowIso: string,
    detail: { counts?: ImportRun['counts']; issues?: RosterIssue[]; message?: string | null; sourceLabel?: string },
  ): void {
    const issues = detail.issues ?? [];
    this.db
      .prepare(
        `UPDATE roster_imports SET finished_at = ?, outcome = ?, counts = ?, issue_count = ?, issues = ?, message = ?,
           source_label = COALESCE(?, source_label) WHERE id = ?`,
      )
      .run(
        nowIso,
        outcome,
        JSON.stringify(detail.counts ?? {}),
        issues.length,
        JSON.stringify(issues.slice(0, KEPT_ISSUES)),
        detail.message ?? null,
        detail.sourceLabel ?? null,
        id,
      );
  }

  /**
   * An import the kiosk was killed in the middle of. It writes in short transactions (issue 16),
   * so some of its changes may have been saved: the next import (the same plan) completes them.
   */
  closeAbandonedRuns(nowIso: string): number {
    return this.db
      .prepare(
        `UPDATE roster_imports SET outcome = 'failed', finished_at = ?,
           message = 'The kiosk stopped during this import; some students may already be updated. Run the import again to complete it.' WHERE outcome = 'running'`,
      )
      .run(nowIso).changes;
  }

  lastRun(): ImportRun | null {
    const r = this.db.prepare('SELECT * FROM roster_imports ORDER BY id DESC LIMIT 1').get() as ImportRow | undefined;
    return r ? toRun(r) : null;
  }

  runs(limit = 20): ImportRun[] {
    return (this.db.prepare('SELECT * FROM roster_imports ORDER BY id DESC LIMIT ?').all(limit) as ImportRow[]).map(toRun);
  }

  /** When the roster last came in for real (applied or frozen): for the missed-night check. */
  lastCompletedAt(): string | null {
    const r = this.db
      .prepare(`SELECT finished_at FROM roster_imports WHERE outcome IN ('applied', 'frozen', 'rollover_pending') ORDER BY id DESC LIMIT 1`)
      .get() as { finished_at: string } | undefined;
    return r?.finished_at ?? null;
  }

  // ---- the new academic year waiting for the admin -------------------------------------------

  stageRollover(p: PendingRollover): void {
    this.db
      .prepare(
        `INSERT INTO roster_pending_rollover (id, import_id, detected_at, source_kind, source_label, verdict, records)
         VALUES (1, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET import_id = excluded.import_id, detected_at = excluded.detected_at,
           source_kind = excluded.source_kind, source_label = excluded.source_label, verdict = excluded.verdict, records = excluded.records`,
      )
      .run(p.importId, p.detectedAt, p.sourceKind, p.sourceLabel, JSON.stringify(p.verdict), JSON.stringify(p.records));
  }

  pendingRollover(withRecords = false): PendingRollover | null {
    const r = this.db
      .prepare(`SELECT import_id, detected_at, source_kind, source_label, verdict${withRecords ? ', records' : ''} FROM roster_pending_rollover WHERE id = 1`)
      .get() as
      | { import_id: number; detected_at: string; source_kind: string; source_label: string; verdict: string; records?: string }
      | undefined;
    if (!r) return null;
    return {
      importId: r.import_id,
      detectedAt: r.detected_at,
      sourceKind: r.source_kind,
      sourceLabel: r.source_label,
      verdict: JSON.parse(r.verdict) as RolloverVerdict,
      records: r.records ? (JSON.parse(r.records) as RosterRecord[]) : [],
    };
  }

  clearRollover(): void {
    this.db.prepare('DELETE FROM roster_pending_rollover').run();
  }

  // ---- saved column mappings and the roster settings ---------------------------------------

  saveMapping(name: string, mapping: ColumnMapping, nowIso: string): void {
    const valid = columnMapping.parse(mapping);
    this.db
      .prepare(
        `INSERT INTO roster_mappings (name, json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
      )
      .run(name, JSON.stringify(valid), nowIso);
  }

  mapping(name: string): ColumnMapping | null {
    const r = this.db.prepare('SELECT json FROM roster_mappings WHERE name = ?').get(name) as { json: string } | undefined;
    return r ? columnMapping.parse(JSON.parse(r.json)) : null;
  }

  mappings(): { name: string; mapping: ColumnMapping; updatedAt: string }[] {
    return (this.db.prepare('SELECT name, json, updated_at FROM roster_mappings ORDER BY name').all() as { name: string; json: string; updated_at: string }[]).map(
      (r) => ({ name: r.name, mapping: JSON.parse(r.json) as ColumnMapping, updatedAt: r.updated_at }),
    );
  }

  config(): RosterConfig {
    const r = this.db.prepare(`SELECT json FROM settings WHERE key = 'roster'`).get() as { json: string } | undefined;
    return rosterConfig.parse(r ? JSON.parse(r.json) : {});
  }

  /** Validate, store and audit the roster settings. */
  saveConfig(input: unknown, actor: string, nowIso: string): RosterConfig {
    const next = rosterConfig.parse(input);
    saveSettingsDocument(this.db, 'roster', next, actor, nowIso);
    return next;
  }
}
