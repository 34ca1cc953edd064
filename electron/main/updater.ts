// Self-update through electron-updater's generic provider: a folder of files the school (or its
// trust) hosts over HTTPS. Off unless the site settings switch it on; an update downloaded in the
// background is installed only in quiet hours, never during the morning's late arrivals.
import type { KioskCore } from '../core/kiosk';
import type { Logger } from '../core/logging/logger';
import { fleetSettingsOf } from '../../shared/fleet';
import { isQuietHours, updaterPlan } from '../core/maintenance/update-plan';

export interface UpdaterHandle {
  stop(): void;
  /** What the timer does: look for an update, or install a downloaded one in quiet hours. */
  checkNow(): void;
}

export async function startUpdater(core: KioskCore, log: Logger, env: { packaged: boolean; platform: NodeJS.Platform; appImage: boolean }): Promise<UpdaterHandle> {
  const plan = updaterPlan(fleetSettingsOf(core.getSettings()).updates, env);
  if (!plan.enabled) {
    log.info('updates off', { reason: plan.reason });
    return { stop() {}, checkNow() {} };
  }
  // Loaded only when switched on: electron-updater reads the app's files at import time.
  const { autoUpdater } = await import('electron-updater');
  autoUpdater.setFeedURL(plan.feed);
  autoUpdater.autoDownload = plan.autoDownload;
  autoUpdater.autoInstallOnAppQuit = plan.autoInstallOnAppQuit;
  autoUpdater.allowDowngrade = plan.allowDowngrade;
  let downloaded = false;
  autoUpdater.on('update-downloaded', (info) => {
    downloaded = true;
    log.info('update downloaded; installs in quiet hours', { version: info.version });
  });
  autoUpdater.on('error', (e) => log.warn('update check failed', { error: e.message }));
  const check = () => {
    if (downloaded) {
      if (isQuietHours(core.clock.now(), core.getSettings())) autoUpdater.quitAndInstall(true, true);
      return;
    }
    autoUpdater.checkForUpdates().catch((e: unknown) => log.warn('update check failed', { error: String(e) }));
  };
  check();
  // Every quarter hour: cheap when nothing is new, and a downloaded update waits for quiet hours.
  const timer = setInterval(check, Math.min(plan.checkEveryMs, 15 * 60_000));
  timer.unref();
  return { stop: () => clearInterval(timer), checkNow: check };
}
