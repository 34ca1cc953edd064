// The site settings, one validated JSON document. Every change is checked as a whole (so that
// cross-field rules hold) and written with its audit row in one transaction.
import type { Db } from './database';
import { describeIssues, siteSettings, unknownKeyPaths, type SiteSettings } from '../../../shared/settings';
import { defaultSettings } from '../../../shared/defaults';
import { applyPolicy, lockedChanges, type DistrictPolicy } from '../../../shared/policy';

export class SettingsValidationError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
    this.name = 'SettingsValidationError';
  }
}

export function validateSettings(input: unknown): SiteSettings {
  const parsed = siteSettings.safeParse(input);
  if (!parsed.success) throw new SettingsValidationError(describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Store one settings document (the site's, the roster's…) with its audit row — before and after —
 * in one transaction: a change is never in force without the record of who made it.
 */
export function saveSettingsDocument(db: Db, key: string, value: unknown, actor: string, nowIso: string): void {
  const before = db.prepare('SELECT json FROM settings WHERE key = ?').get(key) as { json: string } | undefined;
  const after = JSON.stringify(value);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO settings (key, json, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
    ).run(key, after, nowIso);
    db.prepare(`INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, ?, 'settings.update', ?, ?, ?)`).run(
      nowIso,
      actor,
      key,
      before?.json ?? null,
      after,
    );
  })();
}

export class SettingsStore {
  private cached: SiteSettings | null = null;
  /** Why the stored settings could not be used, when the kiosk fell back to the defaults. */
  invalidStored: { path: string; message: string }[] | null = null;

  /** The district's locks, laid over whatever the site stored (those naming a real setting). */
  readonly policy: DistrictPolicy | null;
  /** Locks of the district's file that name no setting of this version: ignored, and reported. */
  readonly ignoredLocks: { path: string; message: string }[] = [];

  constructor(
    private readonly db: Db,
    policy: DistrictPolicy | null = null,
  ) {
    // Settings are strict: a lock whose path names no setting ("rules.presentWritebak") would
    // make every document invalid, the defaults included, and stop the kiosk starting. Such a
    // lock locks nothing; it is left out and reported (the doctor and the log say which).
    if (policy) {
      const base = siteSettings.parse(defaultSettings);
      const usable = policy.locked.filter((lock) => {
        if (lock.value === undefined) return true;
        const r = siteSettings.safeParse(applyPolicy(base, { ...policy, locked: [lock] }));
        if (r.success || !unknownKeyPaths(r.error).length) return true;
        this.ignoredLocks.push({ path: lock.path, message: `The district policy locks "${lock.path}", which is not a setting: the lock is ignored. Correct the path in the policy file.` });
        return false;
      });
      this.policy = { ...policy, locked: usable };
    } else this.policy = null;
  }

  /** Keys of the stored document that this version does not know, dropped when it was loaded. */
  droppedUnknown: string[] = [];

  get(): SiteSettings {
    if (this.cached) return this.cached;
    const row = this.db.prepare(`SELECT json FROM settings WHERE key = 'site'`).get() as { json: string } | undefined;
    let stored = row ? (JSON.parse(row.json) as unknown) : defaultSettings;
    if (row) stored = this.dropUnknownStoredKeys(stored, row.json);
    try {
      this.cached = validateSettings(applyPolicy(stored, this.policy));
    } catch (e) {
      // Settings stored by an older version (or made invalid by a new district policy) must not
      // stop students signing in: run on the built-in defaults and tell the admin (doctor, log).
      this.invalidStored = e instanceof SettingsValidationError ? e.issues : [{ path: '', message: String(e) }];
      this.cached = validateSettings(applyPolicy(defaultSettings, this.policy));
    }
    return this.cached;
  }

  /**
   * A stored document may carry a key this version does not know (written by an older version
   * whose setting has since gone, or by a newer one after a downgrade). Input is strict, stored
   * data is not refused for it: such keys are dropped, and the document is rewritten with an
   * audit row holding the whole document as it was, so nothing is lost and the admin can see
   * what went. Keeping them instead would make every later save from the admin screen fail on a
   * key the admin cannot see. Only unknown keys are touched; any other problem is reported as
   * before (defaults in force, doctor and log say why).
   */
  private dropUnknownStoredKeys(stored: unknown, storedJson: string): unknown {
    let doc = stored;
    const dropped: string[] = [];
    // A removal can reveal another (a key inside a union member): a few rounds at most.
    for (let round = 0; round < 5; round++) {
      const parsed = siteSettings.safeParse(applyPolicy(doc, this.policy));
      if (parsed.success) break;
      const paths = unknownKeyPaths(parsed.error).filter((p) => hasPath(doc, p));
      if (!paths.length) break;
      doc = structuredClone(doc);
      for (const p of paths) {
        deletePath(doc, p);
        dropped.push(p.join('.'));
      }
    }
    if (!dropped.length) return stored;
    const nowIso = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare(`UPDATE settings SET json = ?, updated_at = ? WHERE key = 'site'`).run(JSON.stringify(doc), nowIso);
      this.db
        .prepare(`INSERT INTO audit_log (at, actor, action, subject, before, after) VALUES (?, 'system', 'settings.unknown_dropped', ?, ?, ?)`)
        .run(nowIso, `site: ${dropped.join(', ')}`, storedJson, JSON.stringify(doc));
    })();
    this.droppedUnknown = dropped;
    return doc;
  }

  /** Validate, store and audit. Returns the settings now in force. */
  replace(input: unknown, actor: string, nowIso: string, extraCheck?: (s: SiteSettings) => { path: string; message: string }[]): SiteSettings {
    const locked = lockedChanges(this.get(), input, this.policy);
    if (locked.length) throw new SettingsValidationError(locked);
    const next = validateSettings(input);
    const extra = extraCheck?.(next) ?? [];
    if (extra.length) throw new SettingsValidationError(extra);
    saveSettingsDocument(this.db, 'site', next, actor, nowIso);
    this.cached = next;
    return next;
  }

  // ---- issue 14 (contract helper): the doctor's "settings saved" check, once a handler's SQL ----
  /** True once a site admin has saved settings (a row exists), as opposed to running on the defaults. */
  isSaved(): boolean {
    return !!this.db.prepare(`SELECT 1 FROM settings WHERE key = 'site'`).get();
  }
}

function hasPath(obj: unknown, path: (string | number)[]): boolean {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, k)) return false;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return true;
}

function deletePath(obj: unknown, path: (string | number)[]): void {
  let cur = obj as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  delete cur[path[path.length - 1]!];
}
