// Refused scans, kept so that an admin can see that scanning fails (and how often the same card
// fails) without the kiosk ever holding what was scanned. With a broad badge pattern a login QR
// code (user name and password; Clever Badges, ClassLink QuickCards) can reach any branch, so no
// branch stores text: a refusal is its reason, its length and a salted SHA-256 prefix.
//
// The salt is per kiosk and lives in the secret store, not in the database: a backup or a copied
// database file alone does not let anyone test guesses against the hashes. An admin who wants
// to know whether badge 100123 was refused can compute its fingerprint on the kiosk.
import { createHash, randomBytes } from 'node:crypto';
import { truncateWal, type Db } from './database';
import type { SecretStore } from '../security/secrets';
import type { Logger } from '../logging/logger';

/** The secret store key of the kiosk's scan salt. */
export const SCAN_SALT_KEY = 'kiosk.scanHashSalt';

/** 16 hex characters (64 bits): enough to tell cards apart, too little to be worth reversing. */
export const FINGERPRINT_HEX = 16;

export function scanFingerprint(text: string, salt: string): string {
  return createHash('sha256').update(salt).update('\0').update(text, 'utf8').digest('hex').slice(0, FINGERPRINT_HEX);
}

/** The kiosk's salt, made on first use. If the store cannot be read, a salt for this run only. */
export function scanSalt(secrets: SecretStore, log?: Logger): string {
  try {
    const existing = secrets.get(SCAN_SALT_KEY);
    if (existing) return existing;
    const made = randomBytes(32).toString('hex');
    secrets.set(SCAN_SALT_KEY, made);
    return made;
  } catch (e) {
    // Refused scans must still be recorded without their text; only their fingerprints will not
    // match those of other runs.
    log?.warn('scan salt unavailable; refused scans are fingerprinted for this run only', { error: (e as Error).message });
    return randomBytes(32).toString('hex');
  }
}

export class ScanRejectionLog {
  private readonly insert;
  private saltValue: string | null = null;

  constructor(
    private readonly db: Db,
    /** Asked once, on the first refusal: a kiosk that never refused a scan never makes a salt. */
    private readonly saltSource: () => string,
  ) {
    this.insert = db.prepare('INSERT INTO scan_rejections (at, reason, badge, length, hash) VALUES (?, ?, NULL, ?, ?)');
  }

  private get salt(): string {
    this.saltValue ??= this.saltSource();
    return this.saltValue;
  }

  /** Record a refusal: the reason, the text's length in characters and its fingerprint. */
  record(at: string, reason: string, text: string): void {
    this.insert.run(at, reason, [...text].length, scanFingerprint(text, this.salt));
  }

  fingerprint(text: string): string {
    return scanFingerprint(text, this.salt);
  }

  /**
   * Rows written before migration 7 hold the scanned text: replace it by its fingerprint, in one
   * transaction. Returns how many rows were changed (0 on every later start).
   */
  hashStoredText(): number {
    const rows = this.db.prepare('SELECT id, badge FROM scan_rejections WHERE badge IS NOT NULL').all() as { id: number; badge: string }[];
    if (!rows.length) return 0;
    const update = this.db.prepare('UPDATE scan_rejections SET badge = NULL, length = ?, hash = ? WHERE id = ?');
    // As retention does: secure_delete zeroes the old text in the freed cell space instead of
    // leaving it in the file, and the checkpoint moves the rewritten pages out of the WAL.
    const wasSecure = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      this.db.transaction(() => {
        for (const r of rows) update.run([...r.badge].length, scanFingerprint(r.badge, this.salt), r.id);
      })();
    } finally {
      this.db.pragma(`secure_delete = ${wasSecure ? 'ON' : 'OFF'}`);
    }
    truncateWal(this.db);
    return rows.length;
  }
}
