// A printer device file such as /dev/usb/lp0 (Linux usblp). One-way here: we write the job and
// cannot read paper or cover state. The file is opened without O_CREAT so that a missing device
// is reported as unplugged rather than silently "printed" into a new regular file.
import fs from 'node:fs';
import { printerStatus } from './status';
import { errnoOf, withDeadline, type PrinterTransport, type SendOutcome } from './transport';
import type { PrinterStatus } from '../../../../shared/pass';

export interface DeviceOptions {
  path: string;
  timeoutMs: number;
}

function describe(e: unknown, path: string): PrinterStatus {
  const code = errnoOf(e);
  switch (code) {
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
      return printerStatus('offline', false, `${path} is not there; is the USB cable plugged in and the printer on?`);
    case 'EACCES':
    case 'EPERM':
      return printerStatus('error', false, `no permission to write to ${path}; add the kiosk user to group lp and log in again`);
    case 'EBUSY':
      return printerStatus('offline', false, `${path} is in use by another program`);
    default:
      return printerStatus('offline', false, `${path}: ${code}`);
  }
}

export function deviceTransport(options: DeviceOptions): PrinterTransport {
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND;
  return {
    kind: 'device',
    twoWay: false,
    async status() {
      try {
        await fs.promises.access(options.path, fs.constants.W_OK);
        return printerStatus('ok', false);
      } catch (e) {
        return describe(e, options.path);
      }
    },
    async send(bytes): Promise<SendOutcome> {
      let handle: fs.promises.FileHandle | null = null;
      let timedOut = false;
      const job = (async (): Promise<SendOutcome> => {
        try {
          handle = await fs.promises.open(options.path, flags);
          // A printer that is off or jammed can block a write on usblp for ever: the deadline
          // below answers the kiosk; closing the handle then unblocks the write.
          if (timedOut) return { ok: false, status: printerStatus('offline', false) };
          await handle.write(bytes);
          return { ok: true, status: printerStatus('ok', false) };
        } catch (e) {
          return { ok: false, status: describe(e, options.path) };
        } finally {
          await (handle as fs.promises.FileHandle | null)?.close().catch(() => undefined);
        }
      })();
      return withDeadline(job, options.timeoutMs, () => {
        timedOut = true;
        void (handle as fs.promises.FileHandle | null)?.close().catch(() => undefined);
        return {
          ok: false,
          status: printerStatus('offline', false, `${options.path} did not take the pass within ${options.timeoutMs} ms`),
        };
      });
    },
  };
}
