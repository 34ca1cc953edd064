// A KioskCore in its own temporary data directory, torn down for sure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KioskCore, type KioskCoreOptions } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';

export function tempDir(prefix = 'passdesk-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function openTestCore(at = '2026-11-24T09:07:00Z', options: Partial<KioskCoreOptions> = {}) {
  const dataDir = options.dataDir ?? tempDir();
  const clock = fixedClock(at);
  const core = KioskCore.open({ dataDir, clock, ...options });
  return {
    core,
    clock,
    dataDir,
    dispose() {
      try {
        core.close();
      } catch {
        /* already closed */
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
