// The support bundle: one folder, written by an admin button (or `kiosk support-bundle <dir>`)
// to a USB stick or a shared folder, that tells whoever supports the kiosk what they need
// without a visit: the logs, the settings without secrets, the doctor's report, the writeback
// queue's summary, versions. Ids and counts only: no names, no notes, no badge codes, no
// tokens. The logs are scrubbed again on the way out, in case debug logging was left on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/database';
import { outboxCounts, unfinishedOutboxRows } from '../sync/outbox';
import { countRowsOrNull } from '../db/maintenance-queries';
import { backupsDirOf, fsyncDir, fsyncFile, listBackups } from './backup';
import { formatDoctorReport } from './doctor';
import { logFiles, scrub, scrubText } from '../logging/file-logger';
import { maskSecretValues, secretForms } from '../logging/logger';
import { readRecoveryNotices } from './recovery';
import type { DoctorReport } from '../../../shared/fleet';

export interface SupportBundleInput {
  dataDir: string;
  db: Db | null;
  /** The site settings in force. */
  settings: unknown;
  doctor: DoctorReport;
  /** The folder of passdesk.log and its rotated copies. */
  logDir: string;
  appVersion?: string;
  now?: Date;
  /** The secret store's values: masked wherever they appear in any file of the bundle. */
  secrets?: readonly string[];
}

export interface SupportBundleResult {
  folder: string;
  files: string[];
  bytes: number;
}

const OUTBOX_ROWS = 500;

export function writeSupportBundle(targetDir: string, input: SupportBundleInput): SupportBundleResult {
  const now = input.now ?? new Date();
  const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '').slice(0, 30) || 'kiosk';
  const folder = path.join(targetDir, `passdesk-support-${host}-${now.toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(path.join(folder, 'logs'), { recursive: true });
  const files: string[] = [];
  const forms = secretForms(input.secrets ?? []);
  const put = (name: string, content: string) => {
    const file = path.join(folder, name);
    // Last line of defence: whatever a file holds (a doctor's error message, a log line written
    // before the redactor knew a secret), no secret value leaves the kiosk.
    fs.writeFileSync(file, maskSecretValues(content, forms));
    // A USB stick is often pulled as soon as the button says "done".
    fsyncFile(file);
    files.push(file);
  };

  put('README.txt', README);
  put('doctor.txt', formatDoctorReport(input.doctor) + '\n');
  put('doctor.json', JSON.stringify(input.doctor, null, 2));
  // Secrets out (personal data is allowed through: settings hold none, and reason labels must stay readable).
  put('settings.json', JSON.stringify(scrub(input.settings, true, 0, forms), null, 2));
  put('outbox-summary.json', JSON.stringify(outboxSummary(input.db, forms), null, 2));
  put('system.json', JSON.stringify(systemSummary(input, now), null, 2));
  for (const log of logFiles(input.logDir)) put(path.join('logs', path.basename(log)), scrubLog(fs.readFileSync(log, 'utf8'), forms));

  fsyncDir(path.join(folder, 'logs'));
  fsyncDir(folder);
  fsyncDir(targetDir);
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  return { folder, files, bytes };
}

function outboxSummary(db: Db | null, forms: readonly string[]): unknown {
  if (!db) return { error: 'The database could not be opened.' };
  const rows = unfinishedOutboxRows(db, { limit: OUTBOX_ROWS, newestFirst: true, detail: true });
  // No payloads: they carry the comment a student typed.
  return { counts: outboxCounts(db), rows: rows.map((r) => ({ ...r, last_error: r.last_error && scrubText(r.last_error, forms) })) };
}

function systemSummary(input: SupportBundleInput, now: Date): unknown {
  const count = (table: string) => countRowsOrNull(input.db!, table);
  return {
    writtenAt: now.toISOString(),
    passdesk: input.appVersion ?? null,
    versions: process.versions,
    platform: process.platform,
    arch: process.arch,
    os: `${os.type()} ${os.release()}`,
    uptimeHours: Math.round(os.uptime() / 360) / 10,
    memoryMiB: { total: Math.round(os.totalmem() / 1048576), free: Math.round(os.freemem() / 1048576) },
    database: input.db
      ? { schemaVersion: input.db.pragma('user_version', { simple: true }), students: count('students'), events: count('events'), passes: count('passes') }
      : null,
    backups: listBackups(backupsDirOf(input.dataDir)).map((b) => ({ name: path.basename(b.file), takenAt: b.takenAt, bytes: b.bytes })),
    recoveries: readRecoveryNotices(input.dataDir).map((n) => ({ ...n, damagedFile: n.damagedFile && path.basename(n.damagedFile) })),
  };
}

/** Each JSON line re-scrubbed as at info level; anything else has its secrets masked. */
export function scrubLog(text: string, forms: readonly string[] = []): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{')) return scrubText(line, forms);
      try {
        return JSON.stringify(scrub(JSON.parse(line), false, 0, forms));
      } catch {
        return scrubText(line, forms);
      }
    })
    .join('\n');
}

/** Where a USB stick is mounted, for the admin screen to offer. */
export function removableTargets(platform: NodeJS.Platform = process.platform, mounts = '/proc/mounts'): string[] {
  if (platform === 'linux') {
    try {
      return fs
        .readFileSync(mounts, 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
        .filter((m): m is string => !!m && /^\/(media|run\/media)\/[^/]+\/[^/]+/.test(m));
    } catch {
      return [];
    }
  }
  if (platform === 'win32') {
    // Drive letters past the system drive; the admin screen shows them with their labels.
    return 'DEFGHIJKLMNOPQRSTUVWXYZ'
      .split('')
      .map((l) => `${l}:\\`)
      .filter((d) => fs.existsSync(d));
  }
  return [];
}

const README = `Passdesk support bundle

doctor.txt / doctor.json    the kiosk's own checks, each with a fix
settings.json               the site settings (tokens and passwords removed)
outbox-summary.json         writeback queue: counts, and the rows not yet written (no comments)
system.json                 versions, database counts, backups, recoveries
logs/                       the kiosk's log files (names, notes and secrets removed)

No student names, notes, badge codes or credentials are in this folder: students appear by id.
`;
