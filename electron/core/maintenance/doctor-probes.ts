// What the doctor asks the operating system, when nothing better is wired in. Each probe is
// bounded (a hung timedatectl must not hang the doctor) and answers "don't know" rather than throw.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { machineTimeZone } from '../../../shared/school-time';

export interface ClockSync {
  /** null: could not tell. */
  synchronised: boolean | null;
  source?: string;
  detail?: string;
}

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export interface HidrawNode {
  path: string;
  name: string | null;
  readable: boolean;
}

function run(cmd: string, args: string[], timeoutMs = 4_000): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, windowsHide: true }, (err, stdout) => resolve({ ok: !err, out: String(stdout) }));
  });
}

/** timedatectl's NTPSynchronized on Linux; w32tm's source on Windows. */
export function parseW32tmStatus(out: string): ClockSync {
  const source = /^Source:\s*(.+)$/im.exec(out)?.[1]?.trim();
  const leap = /^Leap Indicator:\s*(\d)/im.exec(out)?.[1];
  if (!source) return { synchronised: null, detail: 'w32tm gave no source' };
  // "Local CMOS Clock" or "Free-running System Clock": nobody is setting the time.
  if (/Local CMOS Clock|Free-running/i.test(source) || leap === '3') return { synchronised: false, source };
  return { synchronised: true, source };
}

export const defaultProbes = {
  async clockSync(platform: NodeJS.Platform): Promise<ClockSync> {
    if (platform === 'linux') {
      const r = await run('timedatectl', ['show', '--property=NTPSynchronized', '--value']);
      if (!r.ok) return { synchronised: null, detail: 'timedatectl is not available' };
      const v = r.out.trim();
      return v === 'yes' ? { synchronised: true, source: 'systemd-timesyncd or chrony' } : v === 'no' ? { synchronised: false } : { synchronised: null, detail: v };
    }
    if (platform === 'win32') {
      const r = await run('w32tm', ['/query', '/status']);
      return r.ok ? parseW32tmStatus(r.out) : { synchronised: null, detail: 'w32tm did not answer (is the Windows Time service running?)' };
    }
    return { synchronised: null, detail: `not checked on ${platform}` };
  },

  osTimeZone(): string | null {
    try {
      return machineTimeZone() ?? null;
    } catch {
      return null;
    }
  },

  async diskSpace(dir: string): Promise<DiskSpace> {
    const s = await fs.promises.statfs(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  },

  async hidrawNodes(devDir = '/dev', sysDir = '/sys/class/hidraw'): Promise<HidrawNode[]> {
    let names: string[];
    try {
      names = (await fs.promises.readdir(devDir)).filter((n) => /^hidraw\d+$/.test(n));
    } catch {
      return [];
    }
    return Promise.all(
      names.map(async (n) => {
        const node = path.join(devDir, n);
        let name: string | null = null;
        try {
          name = /^HID_NAME=(.*)$/m.exec(await fs.promises.readFile(path.join(sysDir, n, 'device', 'uevent'), 'utf8'))?.[1] ?? null;
        } catch {
          // No sysfs entry (a container): the path is all we can show.
        }
        let readable = true;
        try {
          await fs.promises.access(node, fs.constants.R_OK | fs.constants.W_OK);
        } catch {
          readable = false;
        }
        return { path: node, name, readable };
      }),
    );
  },
};
