// Smoke test of the real backend: node-hid's native module loads under plain Node, lists
// devices (none on a build machine), and a failed open comes back as an error that names the
// device, which the service turns into a status problem.
import { describe, expect, it } from 'vitest';
import { HidScannerService, loadNodeHidBackend } from '../../electron/core/hardware/scanner';
import { captureLogger } from '../fakes/scanner/capture-logger';

describe('node-hid backend', () => {
  it('loads and lists HID devices', async () => {
    const backend = await loadNodeHidBackend();
    const listed = await backend.devices();
    expect(Array.isArray(listed)).toBe(true);
    for (const d of listed) expect(typeof d.path).toBe('string');
  });

  it('rejects opening a device that is not there, naming its path', async () => {
    const backend = await loadNodeHidBackend();
    await expect(backend.open('/dev/hidraw-passdesk-missing')).rejects.toThrow(/hidraw-passdesk-missing/);
  });

  it('runs the service on this machine without a scanner problem', async () => {
    const service = new HidScannerService({ backend: loadNodeHidBackend, settings: { enabled: true, devices: [] }, logger: captureLogger() });
    await service.start();
    try {
      expect(['none', 'ok']).toContain(service.status().state);
    } finally {
      await service.stop();
    }
  });
});
