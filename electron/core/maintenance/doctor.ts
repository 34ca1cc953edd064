// `kiosk doctor`: independent checks, each saying what it found and what to do about it, so that
// the school's IT person (or whoever is at the desk, reading the admin screen) can fix a kiosk
// without a visit. Every outside thing comes in as a small port, so the same checks run in the
// CLI, in the admin screen (electron/main wires the real printer, scanner and MIS) and in tests
// against fakes. A check that hangs is cut off; one that throws fails on its own, never the run.
import path from 'node:path';
import type { Db } from '../db/database';
import { outboxCounts } from '../sync/outbox';
import { MessageRepository } from '../db/messages';
import { withoutAddresses } from '../messages/service';
import { backupsDirOf, integrityCheckOffThread, listBackups } from './backup';
import { readRecoveryNotices, SETUP_LOCKED_FIX } from './recovery';
import type { PrinterStatus } from '../../../shared/pass';
import type { CheckId, CheckResult, CheckStatus, DoctorReport } from '../../../shared/fleet';
import { fleetSettingsOf } from '../../../shared/fleet';
import { defaultProbes, type ClockSync, type DiskSpace, type HidrawNode } from './doctor-probes';

/** The scanner service's status (electron/core/hardware/scanner ScannerStatus). */
export type ScannerPortStatus =
  | { state: 'none'; message: string }
  | { state: 'ok'; devices: string[] }
  | { state: 'problem'; message: string; fix: string; devices: string[] };

export interface DoctorPorts {
  dataDir: string;
  /** The open kiosk database; null when it could not be opened (the database check says why). */
  db: Db | null;
  dbOpenError?: string;
  /** better-sqlite3 built for Electron (the integrity check runs in a worker thread that loads it). */
  nativeBinding?: string;
  /** The site settings in force (timeZone, and the `fleet` section when present). */
  settings: { timeZone: string };
  /** False when the site settings were never saved and the built-in example is in force. */
  settingsSaved?: boolean;
  secrets?: { backend: string; weak: boolean };
  printerStatus?: () => Promise<PrinterStatus>;
  scannerStatus?: () => Promise<ScannerPortStatus> | ScannerPortStatus;
  /** Resolves when the MIS answers and accepts the credentials (MisConnector.ping); rejects with a MisError. */
  misTest?: () => Promise<void>;
  misName?: string;
  clockSync?: () => Promise<ClockSync>;
  osTimeZone?: () => string | null;
  diskSpace?: (dir: string) => Promise<DiskSpace>;
  hidrawNodes?: () => Promise<HidrawNode[]>;
  now?: () => Date;
  platform?: NodeJS.Platform;
  /** Per check, in ms (default 8 s; the MIS 15 s). */
  timeoutMs?: number;
}

type Finding = { status: CheckStatus; summary: string; fix?: string | null; details?: Record<string, unknown> };

interface Check {
  id: CheckId;
  title: string;
  timeoutMs?: number;
  run(p: DoctorPorts): Promise<Finding> | Finding;
}

const MiB = 1024 * 1024;
const HOUR = 3_600_000;

export const checks: Check[] = [
  {
    id: 'scanner',
    title: 'Badge scanner',
    async run(p) {
      if (p.scannerStatus) {
        const s = await p.scannerStatus();
        if (s.state === 'ok') return { status: 'ok', summary: `Ready: ${s.devices.join(', ')}.`, details: { devices: s.devices.length } };
        if (s.state === 'problem') return { status: 'fail', summary: s.message, fix: s.fix, details: { devices: s.devices.length } };
        return { status: 'note', summary: `${s.message} A keyboard-mode scanner needs no check: scan a badge on the idle screen.` };
      }
      // No scanner service here (the CLI on a machine without node-hid): look at the device nodes.
      if ((p.platform ?? process.platform) !== 'linux') return { status: 'skipped', summary: 'Scanners are checked from the admin screen on this system.' };
      const nodes = await (p.hidrawNodes ?? defaultProbes.hidrawNodes)();
      const unreadable = nodes.filter((n) => !n.readable);
      if (!nodes.length) return { status: 'note', summary: 'No HID device is plugged in. A keyboard-mode scanner needs no check.' };
      if (unreadable.length) {
        return {
          status: 'note',
          summary: `${unreadable.length} HID device(s) cannot be read by this user: ${unreadable.map((n) => n.name ?? n.path).join(', ')}. If one is the scanner, it will not work in HID mode.`,
          fix: 'Install the scanner rule (the .deb does this; otherwise see docs/installing-a-kiosk.md), then unplug the scanner and plug it back in.',
          details: { devices: nodes.length, unreadable: unreadable.length },
        };
      }
      return { status: 'ok', summary: `${nodes.length} HID device(s), all readable.`, details: { devices: nodes.length } };
    },
  },
  {
    id: 'printer',
    title: 'Pass printer',
    async run(p) {
      if (!p.printerStatus) return { status: 'skipped', summary: 'No pass printer is connected to this check.' };
      const s = await p.printerStatus();
      if (s.state === 'not_configured') return { status: 'skipped', summary: 'No pass printer is configured: students are not given a printed pass.' };
      if (s.state === 'ok') {
        return s.twoWay
          ? { status: 'ok', summary: 'The printer answers and has paper.' }
          : { status: 'ok', summary: 'The printer is configured; it cannot report paper or faults over this connection.', details: { twoWay: false } };
      }
      const [what, ...rest] = (s.problem ?? s.state).split(': ');
      if (s.state === 'paper_near_end') return { status: 'note', summary: what!, fix: rest.join(': ') || 'Change the roll soon.' };
      return { status: 'fail', summary: what!, fix: rest.join(': ') || null, details: { state: s.state } };
    },
  },
  {
    id: 'mis',
    title: 'MIS connection',
    timeoutMs: 15_000,
    async run(p) {
      if (!p.misTest) return { status: 'skipped', summary: 'No MIS connection is configured: marks are kept on the kiosk only.' };
      const mis = p.misName ?? 'the MIS';
      try {
        await p.misTest();
        return { status: 'ok', summary: `${mis} answers and accepts the kiosk's token.` };
      } catch (e) {
        const kind = (e as { kind?: string }).kind;
        const message = (e as Error).message;
        if (kind === 'auth' || kind === 'forbidden') {
          return {
            status: 'fail',
            summary: `${mis} refused the kiosk's credentials (${message}).`,
            fix: 'Issue a new token (or check the permissions granted to Passdesk) and enter it in Admin → MIS connection.',
          };
        }
        if (kind === 'server_error' || kind === 'rate_limited') {
          return { status: 'note', summary: `${mis} answered with a problem on its side (${message}). Marks wait in the outbox.`, fix: 'Nothing on the kiosk; if it lasts a day, ask the MIS provider.' };
        }
        return {
          status: 'fail',
          summary: `${mis} cannot be reached (${message}).`,
          fix: "Check the kiosk's network cable or Wi-Fi, and that the school's firewall or proxy lets it reach the MIS over HTTPS.",
        };
      }
    },
  },
  {
    id: 'clock',
    title: 'Clock',
    async run(p) {
      const platform = p.platform ?? process.platform;
      const sync = await (p.clockSync ?? (() => defaultProbes.clockSync(platform)))();
      const setNtp = platform === 'win32' ? 'Run `w32tm /resync` as an administrator, or set the time server in Settings → Time.' : 'Run `sudo timedatectl set-ntp true` and check that the kiosk can reach a time server (UDP 123).';
      if (sync.synchronised === true) return { status: 'ok', summary: `The clock is synchronised${sync.source ? ` (${sync.source})` : ''}.` };
      if (sync.synchronised === false) {
        return { status: 'fail', summary: 'The clock is not synchronised with a time server: late marks and minutes late depend on it.', fix: setNtp };
      }
      return { status: 'note', summary: `Could not tell whether the clock is synchronised${sync.detail ? ` (${sync.detail})` : ''}.`, fix: setNtp };
    },
  },
  {
    id: 'timezone',
    title: "School's time zone",
    run(p) {
      const zone = p.settings.timeZone;
      if (p.settingsSaved === false) {
        return {
          status: 'fail',
          summary: `The site settings were never saved: the kiosk runs on the built-in example (time zone ${zone}).`,
          fix: 'Set the school name, time zone and session times in Admin → Settings, or `kiosk settings import <file>`.',
        };
      }
      const os = (p.osTimeZone ?? defaultProbes.osTimeZone)();
      if (os && os !== zone) {
        const cmd = (p.platform ?? process.platform) === 'win32' ? `tzutil /s "…"` : `sudo timedatectl set-timezone ${zone}`;
        return {
          status: 'note',
          summary: `Marks use the school's zone ${zone}; the PC itself is set to ${os}, so its own clock display differs.`,
          fix: `Set the PC's zone to match: ${cmd}.`,
        };
      }
      return { status: 'ok', summary: `The school's time zone is ${zone}.` };
    },
  },
  {
    id: 'disk',
    title: 'Disk space',
    async run(p) {
      const d = await (p.diskSpace ?? defaultProbes.diskSpace)(p.dataDir);
      const free = `${Math.round(d.freeBytes / MiB)} MiB free of ${Math.round(d.totalBytes / MiB)} MiB`;
      const details = { freeBytes: d.freeBytes, totalBytes: d.totalBytes };
      const fix = 'Free some space on the disk that holds the kiosk data (old files, other users), or lower the number of backups kept.';
      if (d.freeBytes < 200 * MiB) return { status: 'fail', summary: `${free}: sign-ins may soon fail to save.`, fix, details };
      if (d.freeBytes < 1024 * MiB || d.freeBytes < d.totalBytes * 0.05) return { status: 'note', summary: `${free}: getting low.`, fix, details };
      return { status: 'ok', summary: `${free}.`, details };
    },
  },
  {
    id: 'database',
    title: 'Database',
    timeoutMs: 60_000,
    async run(p) {
      const restore = 'Stop Passdesk and run `kiosk restore` (the newest good backup is used; the damaged file is kept). The kiosk also does this by itself at its next start.';
      if (!p.db) return { status: 'fail', summary: `The database cannot be opened: ${(p.dbOpenError ?? 'unknown reason').replace(/\.$/, '')}.`, fix: restore };
      // In a worker on its own read connection (WAL lets it read beside the kiosk's writes):
      // a full check of a year's database takes long enough to be felt at the desk.
      let integrity: string;
      try {
        integrity = p.db.memory ? String(p.db.pragma('integrity_check', { simple: true })) : await integrityCheckOffThread(p.db.name, p.nativeBinding);
      } catch (e) {
        integrity = (e as Error).message; // SQLITE_CORRUPT and friends: damaged beyond the check itself
      }
      if (integrity !== 'ok') {
        return { status: 'fail', summary: `The database failed its integrity check: ${integrity}.`, fix: restore };
      }
      const notices = readRecoveryNotices(p.dataDir);
      const last = notices[notices.length - 1];
      // Lost with nothing restored: the kiosk is locked against first-run PIN set-up until a
      // person decides (a backup from elsewhere, or truly starting again).
      const locked = notices.find((n) => n.setupLocked === true);
      if (locked) {
        return {
          status: 'fail',
          summary: `${locked.message.split('. ')[0]}. (${locked.at})`,
          fix: SETUP_LOCKED_FIX,
          details: { recoveries: notices.length, kind: locked.kind ?? 'corrupt', setupLocked: true, startedEmpty: locked.startedEmpty },
        };
      }
      if (last) {
        return {
          status: 'note',
          summary: `${last.message} (${last.at})`,
          fix: 'Check the sign-ins since the backup against the register, then acknowledge this in the admin screen (or `kiosk doctor --ack-recovery`).',
          details: { recoveries: notices.length, kind: last.kind ?? 'corrupt', restoredFrom: last.restoredFrom && path.basename(last.restoredFrom), eventsSalvaged: last.eventsSalvaged, startedEmpty: last.startedEmpty },
        };
      }
      return { status: 'ok', summary: 'The database passes its integrity check.' };
    },
  },
  {
    id: 'secrets',
    title: 'Secret store',
    run(p) {
      if (!p.secrets) return { status: 'skipped', summary: 'The secret store is checked from the admin screen.' };
      if (!p.secrets.weak) return { status: 'ok', summary: `MIS credentials are encrypted (${p.secrets.backend}).` };
      return {
        status: 'note',
        summary: `MIS credentials are only obfuscated (${p.secrets.backend}): anyone who can read the kiosk's disk can read them.`,
        fix:
          (p.platform ?? process.platform) === 'linux'
            ? 'Run a keyring in the kiosk session (gnome-keyring with libsecret, or KWallet); see docs/installing-a-kiosk.md. Keep the disk encrypted.'
            : 'Log in to the kiosk account normally once so the OS key store is available.',
      };
    },
  },
  {
    id: 'outbox',
    title: 'Writeback queue',
    run(p) {
      if (!p.db) return { status: 'skipped', summary: 'The database could not be opened.' };
      const c = outboxCounts(p.db);
      const now = (p.now ?? (() => new Date()))().getTime();
      const details = { pending: c.pending + c.in_flight, failed: c.failed_permanent, oldestPendingAt: c.oldestPendingAt };
      if (c.failed_permanent > 0) {
        return {
          status: 'fail',
          summary: `${c.failed_permanent} mark(s) were refused by the MIS and need a decision.`,
          fix: 'Open Admin → Writeback log: correct the student or code and retry, or dismiss the mark.',
          details,
        };
      }
      if (!c.oldestPendingAt) return { status: 'ok', summary: 'Every mark has been written back.', details };
      const hours = (now - Date.parse(c.oldestPendingAt)) / HOUR;
      const age = hours < 1 ? `${Math.round(hours * 60)} min` : `${Math.round(hours)} h`;
      const summary = `${details.pending} mark(s) waiting; the oldest for ${age}.`;
      if (hours >= 24) return { status: 'fail', summary, fix: 'The MIS has not taken marks for a day: see the MIS connection check above.', details };
      if (hours >= 1) return { status: 'note', summary, fix: 'Usually the network or the MIS; they are sent on their own once it answers.', details };
      return { status: 'ok', summary, details };
    },
  },
  {
    id: 'backups',
    title: 'Backups',
    run(p) {
      const fleet = fleetSettingsOf(p.settings);
      if (!fleet.backups.enabled) return { status: 'note', summary: 'Nightly backups are switched off.', fix: 'Switch them on in Admin → Settings → Backups.' };
      const list = listBackups(backupsDirOf(p.dataDir));
      const newest = list[0];
      if (!newest) return { status: 'note', summary: 'No backup yet: the first is taken tonight, or a few minutes after start.' };
      const hours = ((p.now ?? (() => new Date()))().getTime() - Date.parse(newest.takenAt)) / HOUR;
      const summary = `${list.length} backup(s); the newest is ${Math.round(hours)} h old (${path.basename(newest.file)}).`;
      const details = { count: list.length, newestAt: newest.takenAt };
      if (hours > 72) return { status: 'fail', summary, fix: 'Backups have stopped: check the disk space and the log (backup failed).', details };
      return { status: 'ok', summary, details };
    },
  },
  {
    // Issue 17: telling home. The staff area (this check, Settings → Messages) tells the admin when
    // messages keep failing; the student's screen never does.
    id: 'messages',
    title: 'Messages home',
    run(p) {
      if (!p.db) return { status: 'skipped', summary: 'The database could not be opened.' };
      const h = new MessageRepository(p.db).health();
      const on = (p.settings as { messages?: { enabled?: boolean } }).messages?.enabled === true;
      if (!on && h.waiting === 0 && h.failed === 0) return { status: 'skipped', summary: 'Messages home are switched off.' };
      const details = { waiting: h.waiting, failed: h.failed, oldestWaitingAt: h.oldestWaitingAt, lastFailure: h.latest?.kind ?? null };
      // The reason as the log file keeps it: without addresses (a 550 often quotes the recipient).
      const last = h.latest ? ` Last problem: ${withoutAddresses(h.latest.reason)}` : '';
      const fix = 'Open Admin → Settings → Messages: fix what the reason says (server, port, user name, password, webhook address), send a test message, then Retry failed.';
      if (h.failed > 0) return { status: 'fail', summary: `${h.failed} message(s) home were not sent and need a decision.${last}`, fix, details };
      // A refused sign-in or a missing password never heals on its own: every message waits for it.
      if (h.waiting > 0 && (h.latest?.kind === 'auth' || h.latest?.kind === 'config')) return { status: 'fail', summary: `${h.waiting} message(s) home are waiting and cannot be sent.${last}`, fix, details };
      if (h.waiting === 0) return { status: 'ok', summary: 'Every message home has been sent.', details };
      const hours = ((p.now ?? (() => new Date()))().getTime() - Date.parse(h.oldestWaitingAt ?? '')) / HOUR;
      const summary = `${h.waiting} message(s) home waiting.${last}`;
      if (hours >= 1) return { status: 'note', summary, fix, details };
      return { status: 'ok', summary, details };
    },
  },
];

export async function runDoctor(ports: DoctorPorts, only?: CheckId[]): Promise<DoctorReport> {
  const now = (ports.now ?? (() => new Date()))();
  const selected = only?.length ? checks.filter((c) => only.includes(c.id)) : checks;
  const results = await Promise.all(selected.map((c) => runCheck(c, ports)));
  return { at: now.toISOString(), needsAttention: results.some((r) => r.status === 'fail'), checks: results };
}

async function runCheck(check: Check, ports: DoctorPorts): Promise<CheckResult> {
  const ms = check.timeoutMs ?? ports.timeoutMs ?? 8_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Finding>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'fail', summary: `No answer within ${Math.round(ms / 1000)} s.`, fix: 'See the other checks; if this one keeps timing out, restart the kiosk.' }), ms);
    timer.unref();
  });
  let f: Finding;
  try {
    f = await Promise.race([Promise.resolve().then(() => check.run(ports)), timeout]);
  } catch (e) {
    f = { status: 'fail', summary: `The check itself failed: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
  return { id: check.id, title: check.title, status: f.status, summary: f.summary, fix: f.fix ?? null, details: f.details ?? {} };
}

const MARK: Record<CheckStatus, string> = { ok: 'OK  ', note: 'NOTE', fail: 'FAIL', skipped: 'SKIP' };

/** The report as the CLI prints it and the support bundle stores it. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines = report.checks.flatMap((c) => [
    `${MARK[c.status]}  ${c.title.padEnd(width)}  ${c.summary}`,
    ...(c.fix && c.status !== 'ok' ? [`      ${' '.repeat(width)}  Fix: ${c.fix}`] : []),
  ]);
  const tail = report.needsAttention ? 'Something needs a person: see FAIL above.' : 'Nothing needs a person.';
  return [`Passdesk doctor, ${report.at}`, ...lines, tail].join('\n');
}
