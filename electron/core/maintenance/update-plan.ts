// Self-update settings for electron-updater, without importing it (it imports 'electron'):
// electron/main turns the plan into `autoUpdater.setFeedURL(plan.feed)` and friends. The feed
// is electron-updater's generic provider, i.e. any HTTPS folder the school or its trust hosts
// (latest.yml, latest-linux.yml and the installers, as `electron-builder --publish never`
// writes them to release/). Off unless the site settings switch it on; a downloaded update is
// installed only in quiet hours, never in the middle of the morning's late arrivals.
import type { FleetSettings } from '../../../shared/fleet';
import { localClock, toMinutes, weekdayOf } from '../../../shared/school-time';

export type UpdaterPlan =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      feed: { provider: 'generic'; url: string; channel: string };
      /** Download in the background as soon as an update is seen. */
      autoDownload: true;
      /** Never on quit: a kiosk quits when it crashes, and systemd restarts it at once. */
      autoInstallOnAppQuit: false;
      allowDowngrade: false;
      /** How often to look (ms). */
      checkEveryMs: number;
    };

export function updaterPlan(updates: FleetSettings['updates'], options: { packaged: boolean; platform: NodeJS.Platform; appImage?: boolean }): UpdaterPlan {
  if (!updates.enabled) return { enabled: false, reason: 'Automatic updates are switched off in the site settings.' };
  if (!options.packaged) return { enabled: false, reason: 'Updates apply to an installed kiosk only, not to a development run.' };
  // electron-updater updates the AppImage and the Windows installer; a .deb is updated by apt
  // (the school's own repository or unattended-upgrades), not by the app replacing itself.
  if (options.platform === 'linux' && !options.appImage) {
    return { enabled: false, reason: 'This kiosk was installed from the .deb: update it with apt, not from within the app.' };
  }
  const url = updates.url.endsWith('/') ? updates.url : `${updates.url}/`;
  return {
    enabled: true,
    feed: { provider: 'generic', url, channel: updates.channel },
    autoDownload: true,
    autoInstallOnAppQuit: false,
    allowDowngrade: false,
    checkEveryMs: 6 * 3_600_000,
  };
}

/**
 * True when installing an update (a restart of a minute) troubles nobody: a weekend, or more
 * than an hour before the AM session starts or after the PM session ends, in the school's zone.
 */
export function isQuietHours(now: Date, site: { timeZone: string; rules: { sessions: { AM: { start: string }; PM: { end: string } } } }): boolean {
  const local = localClock(now, site.timeZone);
  if (weekdayOf(local.date) >= 6) return true;
  const minutes = local.minuteOfDay;
  return minutes < toMinutes(site.rules.sessions.AM.start) - 60 || minutes > toMinutes(site.rules.sessions.PM.end) + 60;
}
