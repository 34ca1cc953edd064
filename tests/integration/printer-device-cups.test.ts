// The one-way transports: a device file (as /dev/usb/lp0) gets exactly the bytes the TCP printer
// gets; a CUPS queue gets them through `lp -d QUEUE -o raw` (a fake `lp` on PATH records its
// arguments and stdin). Faults come back as typed problems an admin can act on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassPrinter, renderPass } from '../../electron/core/hardware/printer';
import { printerSettings } from '../../shared/pass';
import { parseEscPos } from '../fakes/printer/escpos';
import { startPrinterEmulator } from '../fakes/printer/emulator';
import { zoePass } from '../fakes/printer/passes';

const zoe = zoePass();

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-printer-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('device file transport', () => {
  it('writes the same bytes a network printer receives', async () => {
    const device = path.join(dir, 'lp0');
    fs.writeFileSync(device, '');
    const printer = new PassPrinter({ settings: { transport: 'device', devicePath: device, paperWidth: 58 } });
    await expect(printer.print(zoe)).resolves.toEqual({ status: 'printed', problem: null });

    const emu = await startPrinterEmulator({ columns: 32 });
    try {
      const tcp = new PassPrinter({ settings: { transport: 'tcp', host: emu.host, port: emu.port, paperWidth: 58 } });
      await tcp.print(zoe);
      await emu.waitForReceipts(1);
      const written = fs.readFileSync(device);
      // The TCP job also carries the three DLE EOT status requests before the pass.
      expect(Buffer.from(emu.jobs[0]!).subarray(9)).toEqual(written);
      const [paper] = parseEscPos(written, 32);
      expect(paper!.text()).toBe(emu.receipts[0]!.text());
      expect(paper!.qrCodes).toEqual([zoe.eventId]);
    } finally {
      await emu.close();
    }
  });

  it('says the printer is unplugged when the device is missing, and never creates the file', async () => {
    const missing = path.join(dir, 'lp9');
    const printer = new PassPrinter({ settings: { transport: 'device', devicePath: missing } });
    const out = await printer.print(zoe);
    expect(out).toMatchObject({ status: 'failed', problem: expect.stringMatching(/is not there; is the USB cable plugged in/) });
    expect(fs.existsSync(missing)).toBe(false);
    await expect(printer.status()).resolves.toMatchObject({ state: 'offline', twoWay: false });
  });

  it.skipIf(process.getuid?.() === 0)('names the lp group when the kiosk user may not write', async () => {
    const locked = path.join(dir, 'lp-locked');
    fs.writeFileSync(locked, '');
    fs.chmodSync(locked, 0o400);
    const out = await new PassPrinter({ settings: { transport: 'device', devicePath: locked } }).print(zoe);
    expect(out.problem).toMatch(/group lp/);
  });

  it('gives up on a device that blocks', async () => {
    // A FIFO with no reader blocks open() like a usblp device whose printer is off.
    const fifo = path.join(dir, 'blocked');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    const printer = new PassPrinter({ settings: { transport: 'device', devicePath: fifo, timeoutMs: 500 } });
    const out = await printer.print(zoe);
    expect(out).toMatchObject({ status: 'failed', problem: expect.stringMatching(/did not take the pass within 500 ms/) });
    // Unblock the pending open so the worker thread is released.
    fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  });
});

describe('CUPS raw queue transport', () => {
  let bin: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    // Fakes of lp and lpstat that behave like CUPS's for one queue called "passes".
    fs.writeFileSync(
      path.join(bin, 'lp'),
      `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_CUPS_DIR/lp.args"
cat > "$FAKE_CUPS_DIR/lp.stdin"
if [ "$2" != "passes" ]; then echo "lp: The printer or class does not exist." >&2; exit 1; fi
if [ -n "$FAKE_LP_HANG" ]; then sleep 5; fi
echo "request id is passes-7 (1 file(s))"
`,
      { mode: 0o755 },
    );
    fs.writeFileSync(
      path.join(bin, 'lpstat'),
      `#!/bin/sh
if [ "$2" != "passes" ]; then echo "lpstat: Invalid destination name in list \\"$2\\"." >&2; exit 1; fi
if [ -n "$FAKE_CUPS_DISABLED" ]; then echo "printer passes disabled since Fri 14 Mar 2025 09:00:00 -"; exit 0; fi
echo "printer passes is idle.  enabled since Fri 14 Mar 2025 09:00:00"
`,
      { mode: 0o755 },
    );
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_CUPS_DIR: dir };
  });

  it('sends the pass raw to the queue with lp', async () => {
    const printer = new PassPrinter({ settings: { transport: 'cups', queue: 'passes' }, cups: { env } });
    await expect(printer.print(zoe)).resolves.toEqual({ status: 'printed', problem: null });
    expect(fs.readFileSync(path.join(dir, 'lp.args'), 'utf8').split('\n')).toEqual(['-d', 'passes', '-o', 'raw', '-t', 'Passdesk pass', '']);
    const sent = fs.readFileSync(path.join(dir, 'lp.stdin'));
    const rendered = renderPass(zoe, printerSettings.parse({ transport: 'cups', queue: 'passes' }));
    expect(rendered.ok && Buffer.from(rendered.bytes).equals(sent)).toBe(true);
    const [paper] = parseEscPos(sent, 48);
    expect(paper!.text()).toContain('Zoë Łukasz-Nguyen');
    await expect(printer.status()).resolves.toEqual({ state: 'ok', problem: null, twoWay: false });
  });

  it('passes on what CUPS says when the queue is wrong or paused', async () => {
    const wrong = new PassPrinter({ settings: { transport: 'cups', queue: 'nosuch' }, cups: { env } });
    await expect(wrong.print(zoe)).resolves.toMatchObject({ status: 'failed', problem: expect.stringMatching(/does not exist/) });
    await expect(wrong.status()).resolves.toMatchObject({ state: 'offline', problem: expect.stringMatching(/Invalid destination/) });
    const paused = new PassPrinter({ settings: { transport: 'cups', queue: 'passes' }, cups: { env: { ...env, FAKE_CUPS_DISABLED: '1' } } });
    await expect(paused.status()).resolves.toMatchObject({ state: 'offline', problem: expect.stringMatching(/cupsenable passes/) });
  });

  it('gives up on an lp that hangs, and names a missing lp', async () => {
    const hung = new PassPrinter({ settings: { transport: 'cups', queue: 'passes', timeoutMs: 500 }, cups: { env: { ...env, FAKE_LP_HANG: '1' } } });
    await expect(hung.print(zoe)).resolves.toMatchObject({ status: 'failed', problem: expect.stringMatching(/did not finish within 500 ms/) });
    const none = new PassPrinter({ settings: { transport: 'cups', queue: 'passes' }, cups: { lp: path.join(dir, 'no-lp-here') } });
    await expect(none.print(zoe)).resolves.toMatchObject({ status: 'failed', problem: expect.stringMatching(/command is missing/) });
  });
});

describe('OS driver fallback', () => {
  it('hands the pass to the OS printer as a page sized for the roll', async () => {
    const jobs: { html: string; widthMicrons: number; heightMicrons: number; deviceName: string }[] = [];
    const printer = new PassPrinter({
      settings: { transport: 'os', paperWidth: 80, osPrinterName: 'TM-T20' },
      osPrint: async (job) => {
        jobs.push(job);
        return { ok: true };
      },
    });
    await expect(printer.print(zoe)).resolves.toEqual({ status: 'printed', problem: null });
    expect(jobs[0]).toMatchObject({ widthMicrons: 80_000, deviceName: 'TM-T20' });
    expect(jobs[0]!.html).toContain('Zoë Łukasz-Nguyen');
  });

  it('is a typed failure outside the kiosk app and when the driver hangs', async () => {
    await expect(new PassPrinter({ settings: { transport: 'os' } }).print(zoe)).resolves.toMatchObject({ status: 'failed' });
    const hung = new PassPrinter({ settings: { transport: 'os', timeoutMs: 500 }, osPrint: () => new Promise(() => undefined) });
    await expect(hung.print(zoe)).resolves.toMatchObject({ status: 'failed', problem: expect.stringMatching(/did not finish/) });
  });
});
