// Issue 13 point 5: nothing that could be a password is stored. A refused scan keeps its reason,
// its length and a salted fingerprint; rows written by older versions have their text replaced.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../electron/core/db/database';
import { migrations } from '../../electron/core/db/migrations';
import { SCAN_SALT_KEY, scanFingerprint } from '../../electron/core/db/scan-rejections';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { siteSettings } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import { openTestCore, tempDir } from '../helpers/core';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

function core(options: Parameters<typeof openTestCore>[1] = {}) {
  const t = openTestCore('2026-11-24T09:07:00Z', options);
  disposers.push(() => t.dispose());
  return t;
}

const LOGIN_QR = 'QUICKCARD:user=ann.smith;pass=Tr0ub4dor&3';

describe('refused scans', () => {
  it('with a badge pattern that lets a login QR code through, stores its reason, length and fingerprint only', () => {
    const t = core();
    const permissive = structuredClone(siteSettings.parse(defaultSettings));
    permissive.scanner.badgePattern = '^.{4,}$';
    t.core.updateSettings({ settings: permissive });
    expect(t.core.scan({ code: LOGIN_QR })).toEqual({ ok: false, reason: 'unknown_badge' });
    expect(t.core.scan({ code: 'x'.repeat(300) + 'hunter2' })).toEqual({ ok: false, reason: 'too_long' });
    const rows = t.core.db.prepare('SELECT reason, badge, length, hash FROM scan_rejections ORDER BY id').all() as Record<string, unknown>[];
    expect(rows).toEqual([
      { reason: 'unknown_badge', badge: null, length: LOGIN_QR.length, hash: t.core.scanRejections.fingerprint(LOGIN_QR) },
      { reason: 'too_long', badge: null, length: 307, hash: expect.stringMatching(/^[0-9a-f]{16}$/) },
    ]);
    const dump = JSON.stringify(t.core.db.prepare('SELECT * FROM scan_rejections').all());
    expect(dump).not.toMatch(/Tr0ub4dor|ann\.smith|hunter2/);
  });

  it('fingerprints with a per-kiosk salt kept in the secret store: the same on one kiosk, different on another', () => {
    const a = core();
    const b = core();
    a.core.scan({ code: '99999999' });
    b.core.scan({ code: '99999999' });
    const hashOf = (t: ReturnType<typeof core>) => (t.core.db.prepare('SELECT hash FROM scan_rejections').get() as { hash: string }).hash;
    expect(hashOf(a)).not.toBe(hashOf(b));
    expect(hashOf(a)).toBe(scanFingerprint('99999999', a.core.secrets.get(SCAN_SALT_KEY)!));
    // The salt is not in the database (a backup alone cannot test guesses against the hashes).
    const salt = a.core.secrets.get(SCAN_SALT_KEY)!;
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(a.core.db.prepare('SELECT * FROM settings').all())).not.toContain(salt);
  });

  it('a kiosk that never refused a scan makes no salt', () => {
    const secrets = memorySecretStore();
    core({ secrets });
    expect(secrets.get(SCAN_SALT_KEY)).toBeNull();
  });

  it('migrates rows written before: the stored text is replaced by its fingerprint and length', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, 'passdesk.sqlite');
    // A kiosk at schema 5, with the text of two refused scans as older versions stored it.
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 5) });
    old.prepare(`INSERT INTO scan_rejections (at, reason, badge) VALUES ('2026-11-20T08:00:00Z', 'unknown_badge', ?)`).run(LOGIN_QR);
    old.prepare(`INSERT INTO scan_rejections (at, reason, badge) VALUES ('2026-11-20T08:01:00Z', 'bad_pattern', NULL)`).run();
    old.close();
    const secrets = memorySecretStore();
    const t = core({ dataDir, secrets });
    const rows = t.core.db.prepare('SELECT reason, badge, length, hash FROM scan_rejections ORDER BY id').all();
    expect(rows).toEqual([
      { reason: 'unknown_badge', badge: null, length: LOGIN_QR.length, hash: scanFingerprint(LOGIN_QR, secrets.get(SCAN_SALT_KEY)!) },
      { reason: 'bad_pattern', badge: null, length: null, hash: null },
    ]);
    expect(JSON.stringify(rows)).not.toContain('Tr0ub4dor');
    // Gone from the files too, not only from the table (freed cell space, the WAL).
    for (const f of [file, `${file}-wal`]) {
      if (fs.existsSync(f)) expect(fs.readFileSync(f).includes('Tr0ub4dor'), f).toBe(false);
    }
    expect(t.core.scanRejections.hashStoredText()).toBe(0);
  });
});
