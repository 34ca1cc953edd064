// The fleet commands of the admin CLI: doctor, backup, backups, restore, purge, support-bundle.
// They parse their own options, because some must not open the kiosk the usual way: `restore`
// replaces the database file, `doctor` must still run when the database cannot be opened.
//
// Shape: each command is `(ctx) => Promise<exit code>`, with
//   ctx.argv            the arguments after the command name (options included)
//   ctx.out(line)       where normal output goes (stdout in the CLI, a buffer in tests)
//   ctx.defaultDataDir  the kiosk's data folder when --data-dir is not given
// Hook in electron/core/cli/main.ts, first line of run():
//   const fleet = fleetCommandIn(argv); if (fleet) return fleet.run({ argv: fleet.argv, out, defaultDataDir });
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KioskCore } from '../kiosk';
import { stderrLogger } from '../logging/logger';
import { fileSecretStore, secretValuesOf } from '../security/secrets';
import { backupDatabase, backupsDirOf, checkBackup, listBackups } from '../maintenance/backup';
import { restoreBackup } from '../maintenance/restore';
import { acknowledgeRecoveryNotices, cliMustNotOpen } from '../maintenance/recovery';
import { purgeExpiredEvents } from '../maintenance/retention';
import { siteSettingsSaved } from '../db/maintenance-queries';
import { formatDoctorReport, runDoctor, type DoctorPorts } from '../maintenance/doctor';
import { writeSupportBundle } from '../maintenance/support-bundle';
import { logDirOf } from '../logging/file-logger';
import { PassPrinter } from '../hardware/printer';
import { HidScannerService, loadNodeHidBackend } from '../hardware/scanner';
import { createConnector } from '../mis';
import { fleetSettingsOf, checkId, type CheckId } from '../../../shared/fleet';
import { misSettings } from '../../../shared/mis';
import { machineTimeZone } from '../../../shared/school-time';

export interface FleetCommandContext {
  argv: string[];
  out: (line: string) => void;
  defaultDataDir: () => string;
}

export type FleetCommand = (ctx: FleetCommandContext) => Promise<number>;

/** For the CLI's help text. */
export const FLEET_USAGE = `Fleet commands (npm run kiosk -- <command>):
  doctor [--only scanner,printer,…] [--ack-recovery]   Check the kiosk; exit code 1 when something needs a person
  backup [--to <dir>]                Take a backup now (default: the kiosk's backups folder, keeping the newest N)
  backups                            List the backups, newest first, each checked
  restore [<backup file>] --yes      Stop Passdesk first. Put back a backup (default: the newest good one);
                                     the current database is moved to replaced/, never deleted
  purge [--days N]                   Delete written-back events older than N days now (default: the site setting)
  support-bundle <dir>               Write logs, settings without secrets, doctor report and outbox summary to <dir>
Common options: --data-dir <dir>, --json`;

const common = { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } as const;

function parse<O extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean; short?: string }>>(ctx: FleetCommandContext, options: O) {
  const { values, positionals } = parseArgs({ args: ctx.argv, allowPositionals: true, options: { ...common, ...options } });
  const v = values as Record<string, string | boolean | undefined>;
  return {
    values: v,
    positionals,
    dataDir: (v['data-dir'] as string | undefined) ?? ctx.defaultDataDir(),
    json: v.json === true,
  };
}

const fail = (message: string, code = 1) => {
  process.stderr.write(`${message}\n`);
  return code;
};

/** Throws (with what to do) instead of creating an empty database where a set-up kiosk's was lost. */
function openCore(dataDir: string): KioskCore {
  const lost = cliMustNotOpen(dataDir);
  if (lost) throw new Error(lost);
  const secrets = fileSecretStore(dataDir);
  return KioskCore.open({ dataDir, secrets, logger: stderrLogger('warn', secretValuesOf(secrets)), demo: false });
}

export const fleetCommands: Record<string, FleetCommand> = {
  async doctor(ctx) {
    const a = parse(ctx, { only: { type: 'string' }, 'ack-recovery': { type: 'boolean', default: false } });
    const only = a.values.only ? String(a.values.only).split(',').map((s) => s.trim()) : undefined;
    const bad = only?.filter((id) => !checkId.safeParse(id).success);
    if (bad?.length) return fail(`Unknown check(s): ${bad.join(', ')}. Checks: ${checkId.options.join(', ')}.`, 2);
    if (a.values['ack-recovery']) acknowledgeRecoveryNotices(a.dataDir);
    const { ports, close } = await cliDoctorPorts(a.dataDir);
    try {
      const report = await runDoctor(ports, only as CheckId[] | undefined);
      ctx.out(a.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
      return report.needsAttention ? 1 : 0;
    } finally {
      await close();
    }
  },

  async backup(ctx) {
    const a = parse(ctx, { to: { type: 'string' } });
    let core: KioskCore;
    try {
      core = openCore(a.dataDir);
    } catch (e) {
      return fail((e as Error).message);
    }
    try {
      const fleet = fleetSettingsOf(core.settings.get());
      const dir = a.values.to ? path.resolve(String(a.values.to)) : backupsDirOf(a.dataDir);
      // A copy to a stick or share is the admin's to manage: nothing there is pruned.
      const info = await backupDatabase(core.db, dir, { keep: a.values.to ? Number.MAX_SAFE_INTEGER : fleet.backups.keep });
      ctx.out(a.json ? JSON.stringify(info, null, 2) : `Backup written: ${info.file} (${info.events} events, ${Math.round(info.bytes / 1024)} KiB).`);
      return 0;
    } catch (e) {
      return fail((e as Error).message);
    } finally {
      core.close();
    }
  },

  async backups(ctx) {
    const a = parse(ctx, {});
    const list = listBackups(backupsDirOf(a.dataDir)).map((b) => ({ ...b, check: checkBackup(b.file) }));
    if (a.json) ctx.out(JSON.stringify(list, null, 2));
    else if (!list.length) ctx.out(`No backups in ${backupsDirOf(a.dataDir)}.`);
    else
      ctx.out(
        list
          .map((b) => `${b.takenAt}  ${String(Math.round(b.bytes / 1024)).padStart(7)} KiB  ${b.check.ok ? `ok, ${b.check.events} events` : `UNUSABLE: ${b.check.problem}`}  ${path.basename(b.file)}`)
          .join('\n'),
      );
    return list.length && list.every((b) => !b.check.ok) ? 1 : 0;
  },

  async restore(ctx) {
    const a = parse(ctx, { yes: { type: 'boolean', default: false } });
    const from = a.positionals[0];
    if (!a.values.yes) {
      ctx.out(
        `This replaces the kiosk database in ${a.dataDir} with ${from ?? 'the newest good backup'}.\n` +
          'Stop Passdesk first (sudo systemctl stop passdesk, or close the kiosk on Windows).\n' +
          'The current database is moved to replaced/, not deleted. Run again with --yes to go ahead.',
      );
      return 2;
    }
    try {
      const r = restoreBackup({ dataDir: a.dataDir, from, log: stderrLogger('warn') });
      ctx.out(
        a.json
          ? JSON.stringify(r, null, 2)
          : `Restored ${path.basename(r.restoredFrom)}${r.takenAt ? ` (taken ${r.takenAt})` : ''}: ${r.events} events.` +
              (r.movedAside ? `\nThe database it replaced is kept at ${r.movedAside}.` : ''),
      );
      return 0;
    } catch (e) {
      return fail((e as Error).message);
    }
  },

  async purge(ctx) {
    const a = parse(ctx, { days: { type: 'string' } });
    let core: KioskCore;
    try {
      core = openCore(a.dataDir);
    } catch (e) {
      return fail((e as Error).message);
    }
    try {
      const site = core.settings.get();
      const days = a.values.days !== undefined ? Number(a.values.days) : fleetSettingsOf(site).retention.days;
      if (!Number.isInteger(days) || days < 1) return fail('--days must be a whole number of days, at least 1.', 2);
      const r = purgeExpiredEvents(core.db, { days, now: core.clock.now(), timeZone: site.timeZone, actor: 'cli' });
      ctx.out(
        a.json
          ? JSON.stringify(r, null, 2)
          : `Purged ${r.events} event(s) dated before ${r.cutoffDate}` +
              `${Object.keys(r.related).length ? ` (with ${Object.entries(r.related).map(([t, n]) => `${n} ${t}`).join(', ')})` : ''}` +
              `${r.scanRejections ? ` and ${r.scanRejections} refused scan(s)` : ''}.` +
              (r.keptAwaitingWriteback ? `\nKept ${r.keptAwaitingWriteback} older event(s) whose mark has not reached the MIS.` : ''),
      );
      return 0;
    } finally {
      core.close();
    }
  },

  async 'support-bundle'(ctx) {
    const a = parse(ctx, {});
    const target = a.positionals[0];
    if (!target) return fail('support-bundle needs a folder, e.g. /media/admin/USBSTICK', 2);
    if (!fs.existsSync(target) || !fs.statSync(target).isDirectory()) return fail(`${target} is not a folder.`);
    const { ports, close, settings } = await cliDoctorPorts(a.dataDir);
    try {
      const doctor = await runDoctor(ports);
      // The file store's values (a kiosk whose secrets the OS key store encrypts masks what it can read).
      const secrets = secretValuesOf(fileSecretStore(a.dataDir))();
      const r = writeSupportBundle(target, { dataDir: a.dataDir, db: ports.db, settings, doctor, logDir: logDirOf(a.dataDir), appVersion: process.env.npm_package_version, secrets });
      ctx.out(a.json ? JSON.stringify(r, null, 2) : `Support bundle written to ${r.folder} (${r.files.length} files, ${Math.round(r.bytes / 1024)} KiB).`);
      return 0;
    } finally {
      await close();
    }
  },
};

/** The fleet command named in argv (the first word that is not an option or an option's value). */
export function fleetCommandIn(argv: string[]): { name: string; argv: string[]; run: FleetCommand } | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--data-dir') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    const run = fleetCommands[a];
    return run ? { name: a, argv: [...argv.slice(0, i), ...argv.slice(i + 1)], run } : null;
  }
  return null;
}

/**
 * The doctor's ports as the CLI can offer them: the real scanner service (node-hid), printer
 * and MIS connector built from the site settings. Secrets encrypted by the kiosk's OS key store
 * cannot be read here: the admin screen's doctor is the one to trust for the MIS token then.
 */
async function cliDoctorPorts(dataDir: string): Promise<{ ports: DoctorPorts; settings: unknown; close: () => Promise<void> }> {
  const log = stderrLogger('error');
  let core: KioskCore | null = null;
  let dbOpenError: string | undefined;
  try {
    core = openCore(dataDir);
  } catch (e) {
    dbOpenError = (e as Error).message;
  }
  const site = (core?.settings.get() ?? { timeZone: machineTimeZone() }) as Record<string, unknown> & { timeZone: string };
  const settingsSaved = core ? siteSettingsSaved(core.db) : undefined;
  const closers: (() => Promise<void> | void)[] = [];
  const ports: DoctorPorts = { dataDir, db: core?.db ?? null, dbOpenError, settings: site, settingsSaved };

  if (site.printer) {
    const printer = new PassPrinter({ settings: site.printer as never, logger: log });
    ports.printerStatus = () => printer.status();
  }
  const mis = misSettings.safeParse(site.mis ?? { connector: 'none' });
  if (core && mis.success && mis.data.connector !== 'none') {
    try {
      const connector = createConnector(mis.data, core.secrets, log);
      if (connector) {
        ports.misName = connector.name;
        ports.misTest = () => connector.ping();
        closers.push(() => connector.close?.());
      }
    } catch (e) {
      ports.misTest = () => Promise.reject(e);
    }
  }
  const hid = (site.scanner as { hid?: { enabled: boolean; devices: { vendorId: number; productId: number }[] } } | undefined)?.hid;
  if (hid?.enabled) {
    const scanner = new HidScannerService({ backend: loadNodeHidBackend, settings: hid, logger: log });
    ports.scannerStatus = async () => {
      await scanner.start();
      await scanner.rescan();
      return scanner.status();
    };
    closers.push(() => scanner.stop());
  }
  return {
    ports,
    settings: site,
    close: async () => {
      for (const c of closers) await Promise.resolve(c()).catch(() => undefined);
      core?.close();
    },
  };
}
