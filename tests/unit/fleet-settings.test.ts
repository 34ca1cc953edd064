// The fleet settings: safe defaults, and updates only from an HTTPS folder.
import { describe, expect, it } from 'vitest';
import { defaultFleetSettings, fleetSettings, fleetSettingsOf } from '../../shared/fleet';
import { isQuietHours, updaterPlan } from '../../electron/core/maintenance/update-plan';
import { defaultSettings } from '../../shared/defaults';
import { siteSettings } from '../../shared/settings';

describe('fleet settings', () => {
  it('defaults: 60 days of events, 14 nightly backups at 02:30, updates off', () => {
    expect(defaultFleetSettings).toEqual({
      retention: { days: 60 },
      backups: { enabled: true, at: '02:30', keep: 14 },
      updates: { enabled: false, url: '', channel: 'latest' },
    });
    expect(fleetSettingsOf(siteSettings.parse(defaultSettings))).toEqual(defaultFleetSettings);
    expect(fleetSettingsOf({ fleet: { retention: { days: 30 } } }).retention.days).toBe(30);
  });

  it('refuses an update address that is not HTTPS, and a retention shorter than a week', () => {
    const http = fleetSettings.safeParse({ updates: { enabled: true, url: 'http://updates.school.lan/passdesk/' } });
    expect(http.success).toBe(false);
    expect(http.error?.issues[0]?.message).toMatch(/https:\/\//);
    expect(fleetSettings.safeParse({ updates: { enabled: true, url: '' } }).success).toBe(false);
    expect(fleetSettings.safeParse({ retention: { days: 3 } }).success).toBe(false);
    expect(fleetSettings.safeParse({ backups: { at: '25:00' } }).success).toBe(false);
  });

  it('plans electron-updater with a generic feed only when switched on, packaged, and self-updatable', () => {
    const on = fleetSettings.parse({ updates: { enabled: true, url: 'https://it.example.sch.uk/passdesk' } }).updates;
    expect(updaterPlan(defaultFleetSettings.updates, { packaged: true, platform: 'win32' })).toMatchObject({ enabled: false });
    expect(updaterPlan(on, { packaged: false, platform: 'win32' })).toMatchObject({ enabled: false });
    expect(updaterPlan(on, { packaged: true, platform: 'linux', appImage: false })).toMatchObject({ enabled: false, reason: expect.stringMatching(/apt/) });
    expect(updaterPlan(on, { packaged: true, platform: 'linux', appImage: true })).toMatchObject({
      enabled: true,
      feed: { provider: 'generic', url: 'https://it.example.sch.uk/passdesk/', channel: 'latest' },
      autoInstallOnAppQuit: false,
    });
  });

  it('installs updates only outside the school day, in the school zone', () => {
    const site = siteSettings.parse(defaultSettings); // AM starts 08:30, PM ends 15:30, Europe/London
    expect(isQuietHours(new Date('2026-11-24T09:07:00Z'), site)).toBe(false);
    expect(isQuietHours(new Date('2026-11-24T03:00:00Z'), site)).toBe(true);
    expect(isQuietHours(new Date('2026-11-24T16:00:00Z'), site)).toBe(false);
    expect(isQuietHours(new Date('2026-11-24T17:00:00Z'), site)).toBe(true);
    expect(isQuietHours(new Date('2026-11-28T11:00:00Z'), site)).toBe(true); // a Saturday
    // 07:00 in London is 07:00 UTC in November but 06:00 UTC in June: still quiet either way.
    expect(isQuietHours(new Date('2026-06-16T07:20:00Z'), site)).toBe(false); // 08:20 BST
  });
});
