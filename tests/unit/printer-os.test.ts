// The OS driver fallback (electron/main/print-os.ts) against a fake window: silent, sized, and
// every driver answer turned into a typed outcome.
import { describe, expect, it } from 'vitest';
import { makeOsPrint, osPrintOptions, type PrintWindowLike } from '../../electron/main/print-os';
import type { OsPrintJob } from '../../electron/core/hardware/printer';

const job: OsPrintJob = { html: '<p>Zoë</p>', widthMicrons: 80_000, heightMicrons: 120_000, deviceName: 'TM-T20', timeoutMs: 300 };

function fakeWindow(answer: ((cb: (ok: boolean, why: string) => void) => void) | null) {
  const seen = { url: '', options: null as unknown, destroyed: false };
  const win: PrintWindowLike = {
    webContents: {
      loadURL: async (url) => {
        seen.url = url;
      },
      print: (options, cb) => {
        seen.options = options;
        if (answer && cb) answer(cb);
      },
    },
    destroy: () => {
      seen.destroyed = true;
    },
  };
  return { win, seen };
}

describe('OS print fallback', () => {
  it('prints silently on a page the size of the pass, never A4', () => {
    expect(osPrintOptions(job)).toMatchObject({ silent: true, pageSize: { width: 80_000, height: 120_000 }, deviceName: 'TM-T20', margins: { marginType: 'none' } });
    expect(osPrintOptions({ ...job, deviceName: '' })).not.toHaveProperty('deviceName');
  });

  it('loads the pass and reports the driver’s answer, closing the window each time', async () => {
    const ok = fakeWindow((cb) => cb(true, ''));
    await expect(makeOsPrint(() => ok.win)(job)).resolves.toEqual({ ok: true });
    expect(decodeURIComponent(ok.seen.url)).toContain('<p>Zoë</p>');
    expect(ok.seen.destroyed).toBe(true);

    const failed = fakeWindow((cb) => cb(false, 'failed'));
    await expect(makeOsPrint(() => failed.win)(job)).resolves.toEqual({ ok: false, problem: 'the OS printer said: failed' });

    const hung = fakeWindow(null);
    await expect(makeOsPrint(() => hung.win)(job)).resolves.toMatchObject({ ok: false, problem: expect.stringMatching(/within 300 ms/) });
    expect(hung.seen.destroyed).toBe(true);
  });
});
