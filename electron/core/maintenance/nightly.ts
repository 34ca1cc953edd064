// The night's housekeeping, at the school's backup time in the school's zone: first the
// retention purge (so that tonight's backup no longer holds what was purged), then the online
// backup. Many school PCs are switched off at night, so a kiosk that starts with no backup from
// the last day catches up a couple of minutes after start, off the morning's hot path.
import { Cron } from 'croner';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { backupDatabase, backupsDirOf, listBackups, type BackupInfo } from './backup';
import { purgeInBatches, type PurgeResult } from './retention';
import { fleetSettingsOf } from '../../../shared/fleet';

/** What the night's work needs of the kiosk (Maintenance.startNightly hands exactly these). */
export interface NightlyPorts {
  readonly db: Db;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: { get(): { timeZone: string } };
}

export interface NightlyRun {
  purge: PurgeResult | null;
  backup: BackupInfo | null;
  problems: string[];
}

export interface NightlyOptions {
  nativeBinding?: string;
  /** Catch-up delay after start when the newest backup is older than a day (default 2 minutes). */
  catchUpDelayMs?: number;
}

export async function runNightly(ports: NightlyPorts, options: NightlyOptions = {}): Promise<NightlyRun> {
  const site = ports.settings.get();
  const fleet = fleetSettingsOf(site);
  const run: NightlyRun = { purge: null, backup: null, problems: [] };
  try {
    run.purge = await purgeInBatches(ports.db, { days: fleet.retention.days, now: ports.clock.now(), timeZone: site.timeZone, log: ports.log });
  } catch (e) {
    run.problems.push(`Retention purge failed: ${(e as Error).message}`);
    ports.log.error('retention purge failed', { error: (e as Error).message });
  }
  if (fleet.backups.enabled) {
    try {
      run.backup = await backupDatabase(ports.db, backupsDirOf(ports.dataDir), {
        keep: fleet.backups.keep,
        clock: ports.clock,
        log: ports.log,
        nativeBinding: options.nativeBinding,
      });
    } catch (e) {
      run.problems.push((e as Error).message);
    }
  }
  return run;
}

export interface NightlyScheduler {
  /** Call after the site settings change (backup time or time zone). */
  reschedule(): void;
  /** When the next run is due (null: backups are off and nothing is scheduled). */
  nextRun(): Date | null;
  stop(): void;
}

export function startNightly(ports: NightlyPorts, options: NightlyOptions = {}): NightlyScheduler {
  let job: Cron | null = null;
  let running: Promise<NightlyRun> | null = null;
  const runOnce = () => {
    // One run at a time: a slow backup on a slow card must not overlap tomorrow's catch-up.
    running ??= runNightly(ports, options).finally(() => {
      running = null;
    });
    return running;
  };
  const schedule = () => {
    job?.stop();
    const site = ports.settings.get();
    const { backups } = fleetSettingsOf(site);
    const [hh, mm] = backups.at.split(':').map(Number);
    job = new Cron(`${mm} ${hh} * * *`, { timezone: site.timeZone, protect: true, unref: true, catch: true }, () => void runOnce());
  };
  schedule();

  const newest = listBackups(backupsDirOf(ports.dataDir))[0];
  const dayMs = 24 * 3_600_000;
  let catchUp: NodeJS.Timeout | null = null;
  if (!newest || ports.clock.now().getTime() - Date.parse(newest.takenAt) > dayMs) {
    catchUp = setTimeout(() => void runOnce(), options.catchUpDelayMs ?? 120_000);
    catchUp.unref();
  }
  return {
    reschedule: schedule,
    nextRun: () => job?.nextRun() ?? null,
    stop: () => {
      job?.stop();
      if (catchUp) clearTimeout(catchUp);
    },
  };
}
