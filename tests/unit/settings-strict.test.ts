// Issue 13 point 3: a settings document with a key this version does not know is refused with
// that key's full path, at every depth, by every way in (file import, CLI, IPC) — never dropped
// silently, never half-applied. Stored documents from older versions still load.
import { afterEach, describe, expect, it } from 'vitest';
import { describeIssues, siteSettings } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import { districtPolicy } from '../../shared/policy';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { SettingsValidationError } from '../../electron/core/db/settings-store';
import fs from 'node:fs';
import path from 'node:path';
import { openTestCore, tempDir } from '../helpers/core';

type Doc = Record<string, unknown>;
// The parsed defaults: every section present, as the admin screen holds them.
const base = () => structuredClone(siteSettings.parse(defaultSettings)) as unknown as Doc;
const at = (doc: Doc, path: string): Doc => path.split('.').reduce<Doc>((o, k) => o[k] as Doc, doc);
const mis = {
  wonde: { connector: 'wonde', schoolId: 'A1930499544' },
  powerschool: { connector: 'powerschool', baseUrl: 'https://sample-district.powerschool.com', clientId: 'abc', schoolId: '100', schools: [{ schoolId: '100' }] },
  edfi: { connector: 'edfi', baseUrl: 'https://ods.district.org/api', clientKey: 'k', schoolId: '255901' },
  file: {
    connector: 'file',
    schoolId: '100',
    fields: [{ field: 'student_id' }],
    codeMap: { L: 'T' },
    destination: { kind: 'folder', path: '/mnt/sis' },
  },
};

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

describe('strict settings: unknown keys are refused with their path', () => {
  it('keeps every valid document valid, including the output of a parse (what the admin screen sends back)', () => {
    const once = siteSettings.parse(defaultSettings);
    expect(siteSettings.safeParse(once).success).toBe(true);
    for (const m of Object.values(mis)) {
      const doc = { ...base(), mis: m };
      const parsed = siteSettings.safeParse(doc);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(siteSettings.safeParse(parsed.data).success).toBe(true);
    }
  });

  // [where the typo goes, the key, the path reported]
  const cases: [string, string, string][] = [
    ['', 'schoolNmae', 'schoolNmae'],
    ['rules', 'lateCodee', 'rules.lateCodee'],
    ['rules.sessions', 'Am', 'rules.sessions.Am'],
    ['rules.sessions.AM', 'lateAfterr', 'rules.sessions.AM.lateAfterr'],
    ['rules.presentCodes', 'EV', 'rules.presentCodes.EV'],
    ['rules.reasons.0', 'colour', 'rules.reasons.0.colour'],
    ['scanner', 'badgePatern', 'scanner.badgePatern'],
    ['scanner.hid', 'enable', 'scanner.hid.enable'],
    ['kiosk', 'idleSecs', 'kiosk.idleSecs'],
    ['printer', 'hostname', 'printer.hostname'],
    ['fleet', 'backup', 'fleet.backup'],
    ['fleet.backups', 'keepDays', 'fleet.backups.keepDays'],
    ['fleet.retention', 'day', 'fleet.retention.day'],
    ['mis', 'token', 'mis.token'],
  ];
  it.each(cases)('in %j: %s → %s: unknown setting', (where, key, path) => {
    const doc = base();
    (where ? at(doc, where) : doc)[key] = 'x';
    const r = siteSettings.safeParse(doc);
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toContainEqual({ path, message: 'unknown setting' });
  });

  it('inside group overrides, years, the bell schedule and every MIS connector', () => {
    const doc = base();
    const groups = doc.groups as Doc[];
    (groups[0]!.overrides as Doc).lateCodes = 'x';
    (groups[0]!.years as Doc).too = 3;
    doc.bellSchedule = [{ name: 'P1', start: '08:00', end: '09:00', room: 4 }];
    const paths = describeIssues(siteSettings.safeParse(doc).error!).filter((i) => i.message === 'unknown setting').map((i) => i.path);
    expect(paths).toContain('groups.0.overrides.lateCodes');
    expect(paths).toContain('bellSchedule.0.room');
    expect(paths).toContain('groups.0.years.too');

    const deep: [Doc, string][] = [
      [{ ...mis.wonde, regoin: 'eu' }, 'mis.regoin'],
      [{ ...mis.powerschool, schools: [{ schoolId: '100', mode: 'daily' }] }, 'mis.schools.0.mode'],
      [{ ...mis.powerschool, district: { preventOverrides: true } }, 'mis.district.preventOverrides'],
      [{ ...mis.edfi, descriptors: { tardy: 'uri://ed-fi.org/X#Tardy', early: 'x' } }, 'mis.descriptors.early'],
      [{ ...mis.edfi, session: { sessionName: 'Fall', schoolYear: 2026, term: 1 } }, 'mis.session.term'],
      [{ ...mis.file, destination: { kind: 'folder', path: '/mnt/sis', share: 'x' } }, 'mis.destination.share'],
      [{ ...mis.file, fields: [{ field: 'student_id', width: 3 }] }, 'mis.fields.0.width'],
      [{ ...mis.file, schedule: { at: '16:00', every: 'day' } }, 'mis.schedule.every'],
    ];
    for (const [m, path] of deep) {
      const r = siteSettings.safeParse({ ...base(), mis: m });
      expect(describeIssues(r.error!)).toContainEqual({ path, message: 'unknown setting' });
    }
  });

  it('a district policy file that loaded before still loads (extra keys in it are ignored, as before)', () => {
    const r = districtPolicy.safeParse({ district: 'Northside', comment: 'set by IT', locked: [{ path: 'rules.presentWriteback', value: true, reason: 'District rule', note: 'x' }] });
    expect(r.success).toBe(true);
  });
});

describe('strict settings through the kiosk: all or nothing', () => {
  it('IPC saveSettings refuses the typo with its path and changes nothing (no row, no audit)', async () => {
    const t = openTestCore();
    disposers.push(() => t.dispose());
    const before = t.core.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'settings.update'`).get();
    const token = await siteAdminToken(t.core);
    const doc = base();
    doc.schoolName = 'Changed School';
    (at(doc, 'rules.sessions.AM') as Doc).lateAfterr = '09:10';
    const res = await dispatch(t.core, 'saveSettings', { token, settings: doc });
    expect(res).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'rules.sessions.AM.lateAfterr', message: 'unknown setting' }] } });
    expect(t.core.getSettings().schoolName).not.toBe('Changed School');
    expect(t.core.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'settings.update'`).get()).toEqual(before);
  });

  it('updateSettings throws a SettingsValidationError that names the path', () => {
    const t = openTestCore();
    disposers.push(() => t.dispose());
    const doc = base();
    doc.kiosk = { ...(doc.kiosk as Doc), idleSecs: 30 };
    expect(() => t.core.updateSettings({ settings: doc })).toThrow(SettingsValidationError);
    expect(() => t.core.updateSettings({ settings: doc })).toThrow(/kiosk\.idleSecs: unknown setting/);
  });

  it('a stored document with a key from an older version loads: the key is dropped and audited with the whole old document', () => {
    const t = openTestCore();
    disposers.push(() => t.dispose());
    const doc = base();
    doc.schoolName = 'Stored School';
    doc.legacyTheme = 'blue';
    (at(doc, 'rules.sessions.AM') as Doc).graceMinutes = 5;
    const json = JSON.stringify(doc);
    t.core.db.prepare(`INSERT INTO settings (key, json, updated_at) VALUES ('site', ?, '2026-01-01T00:00:00Z') ON CONFLICT(key) DO UPDATE SET json = excluded.json`).run(json);
    const reopened = openTestCore(undefined, { dataDir: t.dataDir });
    t.core.close();
    disposers.push(() => reopened.core.close());
    expect(reopened.core.getSettings().schoolName).toBe('Stored School');
    expect(reopened.core.settings.invalidStored).toBeNull();
    expect(reopened.core.settings.droppedUnknown.sort()).toEqual(['legacyTheme', 'rules.sessions.AM.graceMinutes']);
    const audit = reopened.core.db.prepare(`SELECT subject, before, after FROM audit_log WHERE action = 'settings.unknown_dropped'`).all() as { subject: string; before: string; after: string }[];
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.before).legacyTheme).toBe('blue');
    expect(JSON.parse(audit[0]!.after).legacyTheme).toBeUndefined();
    // Rewritten once: the next start has nothing to drop.
    const stored = JSON.parse((reopened.core.db.prepare(`SELECT json FROM settings WHERE key = 'site'`).get() as { json: string }).json);
    expect(stored.legacyTheme).toBeUndefined();
    expect(siteSettings.safeParse(stored).success).toBe(true);
  });
});

describe('a district lock on a path that is not a setting', () => {
  it('is ignored and reported; the kiosk starts, and the other locks hold', () => {
    const dataDir = tempDir();
    const policyFile = path.join(dataDir, 'district-policy.json');
    fs.writeFileSync(
      policyFile,
      JSON.stringify({
        district: 'Northside',
        locked: [
          { path: 'rules.presentWritebak', value: true, reason: 'District rule' },
          { path: 'rules.lateCode', value: 'T', reason: 'District code' },
        ],
      }),
    );
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (msg: string, f?: Record<string, unknown>) => errors.push(`${msg} ${JSON.stringify(f)}`) };
    const t = openTestCore(undefined, { dataDir, policyFile, logger });
    disposers.push(() => t.dispose());
    expect(t.core.getSettings().rules.lateCode).toBe('T');
    expect(t.core.settings.invalidStored).toBeNull();
    expect(t.core.settings.ignoredLocks).toEqual([{ path: 'rules.presentWritebak', message: expect.stringMatching(/not a setting: the lock is ignored/) }]);
    expect(errors.join('\n')).toMatch(/district policy lock ignored .*rules\.presentWritebak/);
  });
});

async function siteAdminToken(core: Parameters<typeof dispatch>[0]): Promise<string> {
  const set = await dispatch(core, 'setPin', { role: 'site_admin', pin: '482915' }); // first run: no token needed
  if (!set.ok) throw new Error(JSON.stringify(set));
  const login = await dispatch(core, 'staffUnlock', { pin: '482915' });
  if (!login.ok) throw new Error(JSON.stringify(login));
  return (login.value as { token: string }).token;
}
