// The HID scanner service against fake scanners replaying recorded reports: what reaches the
// kiosk (whole codes only), what the admin sees in status and logs, and unplug / re-plug.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HidScannerService, toKioskScannerStatus } from '../../electron/core/hardware/scanner';
import type { HidScannerSettings, ScannerCode, ScannerStatus } from '../../electron/core/hardware/scanner';
import { normaliseScan } from '../../shared/badge';
import { captureLogger } from '../fakes/scanner/capture-logger';
import { FakeHidBackend } from '../fakes/scanner/fake-hid';
import { honeywellScanner, microscanScanner, permissionDenied, recordings } from '../fakes/scanner/recordings';
import type { Recording } from '../fakes/scanner/recordings';

const badgeRules = { badgePattern: '^\\d{5,10}$', prefix: '', suffix: '' };
let cleanup: (() => Promise<void>) | null = null;

afterEach(async () => {
  await cleanup?.();
  cleanup = null;
  vi.useRealTimers();
});

function setup(options: { settings?: Partial<HidScannerSettings>; platform?: string; backendFails?: boolean } = {}) {
  vi.useFakeTimers();
  const backend = new FakeHidBackend();
  const logger = captureLogger();
  const service = new HidScannerService({
    backend: options.backendFails
      ? () => Promise.reject(new Error('Cannot find module node-hid/build/Release/HID_hidraw.node'))
      : backend,
    settings: { enabled: true, devices: [], ...options.settings },
    logger,
    platform: options.platform ?? 'linux',
  });
  const codes: ScannerCode[] = [];
  const statuses: ScannerStatus[] = [];
  service.onCode((c) => codes.push(c));
  service.onStatus((s) => statuses.push(s));
  cleanup = async () => {
    backend.stopReplays();
    await service.stop();
  };
  return { backend, logger, service, codes, statuses };
}

async function play(recording: Recording, scanner = honeywellScanner) {
  const ctx = setup();
  const device = ctx.backend.plug(scanner);
  await ctx.service.start();
  const done = device.replay(recording.steps);
  await vi.advanceTimersByTimeAsync(recording.steps.reduce((t, s) => t + s.afterMs, 0) + 2_000);
  await done;
  return { ...ctx, device };
}

describe('reading recorded scans', () => {
  it.each(Object.entries(recordings))('%s', async (_name, recording) => {
    const { codes, logger } = await play(recording, _name.startsWith('microscan') ? microscanScanner : honeywellScanner);
    expect(codes.map(({ code, symbology }) => ({ code, symbology }))).toEqual(recording.expected);
    // Codes can be passwords: no code, whole or partial, ever reaches the log.
    for (const fragment of ['12345678', '87654321', 'cards.example', 'Zk3QmA9', 'PASSDESK-VISITOR']) {
      expect(logger.text()).not.toContain(fragment);
    }
  });

  it('names the scanner a code came from, and the badge passes the same normaliser as a wedge scan', async () => {
    const { codes, service } = await play(recordings.code128Badge);
    expect(codes[0]!.device).toEqual({ name: 'Honeywell Voyager 1450g (0c2e:0b61)', vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw0' });
    expect(normaliseScan(codes[0]!.code, badgeRules)).toEqual({ ok: true, badge: '12345678' });
    expect(service.status()).toEqual({ state: 'ok', devices: ['Honeywell Voyager 1450g (0c2e:0b61)'] });
    expect(service.lastCodeAt).not.toBeNull();
  });

  it('delivers a long login QR whole, and the normaliser then refuses it as a badge', async () => {
    const { codes } = await play(recordings.longQrThreeReports);
    expect(codes).toHaveLength(1);
    expect(normaliseScan(codes[0]!.code, badgeRules)).toEqual({ ok: false, reason: 'bad_pattern' });
  });

  it('tells the admin why a malformed report and the code around it were dropped', async () => {
    const { logger } = await play(recordings.malformedMidCode);
    const reasons = logger.entries.filter((e) => e.msg === 'scanner read dropped').map((e) => e.fields.reason);
    expect(reasons).toEqual([
      'malformed report (id 2) dropped: the length byte says 255 data bytes but the 64-byte report has room for 62',
      'code dropped: part of it arrived in a malformed report',
    ]);
  });

  it('drops a code whose "more data follows" never came', async () => {
    const { logger, codes } = await play(recordings.moreNeverCame);
    expect(codes).toEqual([]);
    expect(logger.text()).toContain('the scanner said more data follows, but nothing came within 500 ms');
  });
});

describe('unplug and re-plug', () => {
  it('drops the partial code, shows the problem, and reads again after re-plug without a restart', async () => {
    const { backend, service, codes, logger } = setup();
    const device = backend.plug(honeywellScanner);
    await service.start();
    void device.replay(recordings.unplugMidStreamThenReplug.steps);

    await vi.advanceTimersByTimeAsync(1_000); // unplugged at 4 ms
    expect(service.status()).toMatchObject({
      state: 'problem',
      message: 'The scanner Honeywell Voyager 1450g (0c2e:0b61) was unplugged or stopped answering.',
      fix: 'Plug it back in: Passdesk picks it up within a few seconds, no restart needed.',
    });
    expect(logger.text()).toContain('partial code dropped: the scanner was unplugged mid-scan');

    await vi.advanceTimersByTimeAsync(6_000); // re-plugged at 3004 ms, badge at 6004 ms
    expect(service.status()).toEqual({ state: 'ok', devices: ['Honeywell Voyager 1450g (0c2e:0b61)'] });
    expect(backend.openCalls).toEqual(['/dev/hidraw0', '/dev/hidraw1']);
    expect(codes.map((c) => [c.code, c.device.path])).toEqual([['12345678', '/dev/hidraw1']]);
  });

  it('notices a scanner that left the device list without a read error', async () => {
    const { backend, service } = setup();
    const device = backend.plug(honeywellScanner);
    await service.start();
    backend.remove(device);
    await vi.advanceTimersByTimeAsync(2_100);
    expect(service.status().state).toBe('problem');
    expect(device.connection?.closed).toBe(true);
  });

  it('looks for scanners at a bounded pace', async () => {
    const { backend, service } = setup();
    await service.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(backend.enumerations).toBeGreaterThanOrEqual(5);
    expect(backend.enumerations).toBeLessThanOrEqual(6);
  });
});

describe('a scanner that cannot be opened', () => {
  it('on Linux, says to install the udev rule, with the exact command, and logs it once', async () => {
    const { backend, service, logger } = setup();
    const device = backend.plug(honeywellScanner);
    device.openError = permissionDenied('/dev/hidraw0');
    await service.start();
    await vi.advanceTimersByTimeAsync(6_100);

    const status = service.status();
    expect(status).toMatchObject({
      state: 'problem',
      message: 'Passdesk is not allowed to read the scanner Honeywell Voyager 1450g (0c2e:0b61) (/dev/hidraw0 is readable by root only).',
    });
    expect(status.state === 'problem' && status.fix).toBe(
      'Install the scanner rule, then unplug the scanner and plug it back in: ' +
        'sudo install -m 0644 resources/udev/70-passdesk-scanner.rules /etc/udev/rules.d/70-passdesk-scanner.rules' +
        ' && sudo udevadm control --reload && sudo udevadm trigger',
    );
    expect(toKioskScannerStatus(status)).toEqual({ state: 'problem', problem: expect.stringContaining('udevadm trigger') });
    expect(logger.entries.filter((e) => e.msg === 'scanner could not be opened')).toHaveLength(1);

    // The admin installs the rule and re-plugs: the scanner is read, no restart.
    device.unplug();
    device.openError = null;
    device.replug();
    await vi.advanceTimersByTimeAsync(2_100);
    expect(service.status()).toEqual({ state: 'ok', devices: ['Honeywell Voyager 1450g (0c2e:0b61)'] });
  });

  it('on Windows, points at the program holding the scanner', async () => {
    const { backend, service } = setup({ platform: 'win32' });
    backend.plug({ ...honeywellScanner, path: '\\\\?\\HID#VID_0C2E&PID_0B61#7&1a2b3c4d&0&0000#{4d1e55b2}' }).openError =
      new Error('cannot open device with path \\\\?\\HID#VID_0C2E: Access is denied.');
    await service.start();
    expect(service.status()).toMatchObject({ state: 'problem', message: expect.stringContaining('Windows refused access') });
  });

  it('reports broken HID support instead of failing the kiosk', async () => {
    const { service } = setup({ backendFails: true });
    await service.start();
    expect(service.status()).toMatchObject({
      state: 'problem',
      message: 'HID scanner support could not start: Cannot find module node-hid/build/Release/HID_hidraw.node.',
    });
  });
});

describe('which devices are read', () => {
  it('reads HID POS interfaces and configured ids, never keyboards, other devices, or a path twice', async () => {
    const { backend, service, logger } = setup({ settings: { devices: [{ vendorId: 0x05e0, productId: 0x1200 }, { vendorId: 0x05f9, productId: 0x2206 }] } });
    backend.plug({ ...honeywellScanner, path: '/dev/hidraw0' });
    backend.plug({ ...honeywellScanner, usagePage: 0xff00, usage: 1, path: '/dev/hidraw0' }); // second collection, same node
    backend.plug({ vendorId: 0x05e0, productId: 0x1200, usagePage: 0xff45, usage: 1, product: 'Symbol scanner' }); // configured, vendor page
    backend.plug({ vendorId: 0x05f9, productId: 0x2206, usagePage: 0x01, usage: 0x06, product: 'Datalogic QD2430' }); // configured, keyboard mode
    backend.plug({ vendorId: 0x046d, productId: 0xc077, usagePage: 0x01, usage: 0x02, product: 'Mouse' });
    await service.start();
    await vi.advanceTimersByTimeAsync(4_100);
    expect(backend.openCalls).toEqual(['/dev/hidraw0', '/dev/hidraw1']);
    expect(logger.entries.filter((e) => e.msg.includes('keyboard mode'))).toEqual([
      expect.objectContaining({ level: 'info', fields: { device: 'Datalogic QD2430 (05f9:2206)' } }),
    ]);
    expect(service.status()).toMatchObject({ state: 'ok', devices: expect.arrayContaining(['Symbol scanner (05e0:1200)']) });
  });

  it('does nothing when HID scanners are switched off, and starts when switched on', async () => {
    const { backend, service, codes } = setup({ settings: { enabled: false } });
    const device = backend.plug(honeywellScanner);
    await service.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(backend.enumerations).toBe(0);
    expect(service.status()).toEqual({ state: 'none', message: 'HID POS scanners are switched off in the site settings.' });

    await service.configure({ enabled: true, devices: [] });
    device.send("02 0c ']C012345678' 0d 00*44 'jC0' 00 00 00");
    expect(codes.map((c) => c.code)).toEqual(['12345678']);
  });

  it('says plainly when no HID scanner is plugged in', async () => {
    const { service, statuses } = setup();
    await service.start();
    expect(service.status()).toEqual({
      state: 'none',
      message: 'No HID POS scanner is plugged in. Scanners in keyboard mode do not show here.',
    });
    expect(statuses).toHaveLength(1);
  });

  it('stops cleanly: devices closed, no timers left behind', async () => {
    const { backend, service } = setup();
    const device = backend.plug(honeywellScanner);
    await service.start();
    device.send("02 38 '" + 'A'.repeat(56) + "' 'sQ1' 00 00 01"); // a code in progress
    await service.stop();
    backend.stopReplays();
    expect(device.connection?.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
