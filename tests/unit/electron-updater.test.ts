// Self-update: off by default; when on, the school's own feed, and an update installed only in quiet hours.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { openTestCore } from '../helpers/core';
import { silentLogger } from '../../electron/core/logging/logger';

const updater = Object.assign(new EventEmitter(), {
  setFeedURL: vi.fn(),
  checkForUpdates: vi.fn(() => Promise.resolve(null)),
  quitAndInstall: vi.fn(),
  autoDownload: false,
  autoInstallOnAppQuit: true,
  allowDowngrade: true,
});
vi.mock('electron-updater', () => ({ autoUpdater: updater }));

const { startUpdater } = await import('../../electron/main/updater');
const disposers: (() => void)[] = [];
afterEach(() => {
  disposers.splice(0).forEach((d) => d());
  vi.clearAllMocks();
  updater.removeAllListeners();
});

function kiosk(at: string, enabled: boolean) {
  const t = openTestCore(at);
  disposers.push(t.dispose);
  const s = structuredClone(t.core.getSettings());
  s.fleet.updates = { enabled, url: 'https://updates.school.example/passdesk', channel: 'latest' };
  t.core.updateSettings({ settings: s });
  return t;
}

describe('self-update', () => {
  it('does nothing while the site settings leave it off', async () => {
    const t = kiosk('2026-11-24T09:00:00Z', false);
    const u = await startUpdater(t.core, silentLogger, { packaged: true, platform: 'win32', appImage: false });
    u.stop();
    expect(updater.setFeedURL).not.toHaveBeenCalled();
  });

  it('uses the school’s feed, never installs on quit, and waits for quiet hours to install', async () => {
    const t = kiosk('2026-11-24T09:00:00Z', true); // a Tuesday morning in term
    const u = await startUpdater(t.core, silentLogger, { packaged: true, platform: 'win32', appImage: false });
    disposers.push(() => u.stop());
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.school.example/passdesk/', channel: 'latest' });
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    updater.emit('update-downloaded', { version: '0.2.0' });
    u.checkNow(); // still the school morning: no restart
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    t.clock.set('2026-11-24T19:30:00Z'); // evening in London
    u.checkNow();
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1);
  });
});
