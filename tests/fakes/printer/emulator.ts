// A network receipt printer on 127.0.0.1 for tests: raw TCP like port 9100, ESC/POS in, paper
// out (as structured receipts), and DLE EOT answered from a configurable state. Like a real
// printer, it holds the job instead of printing while the cover is open or the paper is out.
// Bounded: it closes itself after `lifetimeMs` and never keeps the test process alive.
import net from 'node:net';
import { EscPosInterpreter, type Receipt } from './escpos';

export interface PrinterCondition {
  /** The printer reports itself offline (DLE EOT 1 bit 3). */
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  /** Cutter jam or another fault (DLE EOT 2 bit 6, DLE EOT 3 bit 3). */
  fault: boolean;
}

/** normal: a working printer; silent: accepts and reads but never answers nor prints (hung); drop: closes every connection at once. */
export type EmulatorMode = 'normal' | 'silent' | 'drop';

export interface EmulatorOptions {
  condition?: Partial<PrinterCondition>;
  mode?: EmulatorMode;
  /** Paper width in characters, to read alignment from padding (32 for 58 mm, 48 for 80 mm). */
  columns?: number;
  lifetimeMs?: number;
}

export interface PrinterEmulator {
  host: string;
  port: number;
  /** Passes that came out of the printer, cut or not, in order. */
  receipts: Receipt[];
  /** Raw print jobs as received (one per connection), real-time requests included. */
  jobs: Uint8Array[];
  /** Jobs received while the printer could not print (cover open, paper out, offline). */
  held: Uint8Array[];
  /** DLE EOT requests answered, e.g. [1, 2, 4]. */
  statusRequests: number[];
  connections: number;
  setCondition(c: Partial<PrinterCondition>): void;
  setMode(m: EmulatorMode): void;
  /** Resolves when `count` receipts have come out (or rejects after `ms`). */
  waitForReceipts(count: number, ms?: number): Promise<Receipt[]>;
  close(): Promise<void>;
}

/** The real-time status bytes a printer in this condition answers (fixed bits 0xx1xx10 = 0x12). */
export function statusBytes(c: PrinterCondition): Record<1 | 2 | 3 | 4, number> {
  return {
    1: 0x12 | (c.offline || c.coverOpen || c.paperOut || c.fault ? 0x08 : 0),
    2: 0x12 | (c.coverOpen ? 0x04 : 0) | (c.paperOut ? 0x20 : 0) | (c.fault ? 0x40 : 0),
    3: 0x12 | (c.fault ? 0x08 : 0),
    4: 0x12 | (c.paperNearEnd || c.paperOut ? 0x0c : 0) | (c.paperOut ? 0x60 : 0),
  };
}

export async function startPrinterEmulator(options: EmulatorOptions = {}): Promise<PrinterEmulator> {
  const condition: PrinterCondition = { offline: false, coverOpen: false, paperOut: false, paperNearEnd: false, fault: false, ...options.condition };
  let mode: EmulatorMode = options.mode ?? 'normal';
  const sockets = new Set<net.Socket>();
  const waiters = new Set<() => void>();
  const canPrint = () => !condition.offline && !condition.coverOpen && !condition.paperOut && !condition.fault;

  const emulator: Omit<PrinterEmulator, 'host' | 'port'> & { host: string; port: number } = {
    host: '127.0.0.1',
    port: 0,
    receipts: [],
    jobs: [],
    held: [],
    statusRequests: [],
    connections: 0,
    setCondition(c) {
      Object.assign(condition, c);
    },
    setMode(m) {
      mode = m;
    },
    waitForReceipts(count, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (emulator.receipts.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(emulator.receipts.slice(0, count));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`printer emulator: ${emulator.receipts.length} of ${count} receipts after ${ms} ms`));
        }, ms);
        timer.unref();
        waiters.add(check);
        check();
      });
    },
    close() {
      clearTimeout(lifetime);
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const deliver = (receipts: Receipt[]) => {
    if (!receipts.length) return;
    emulator.receipts.push(...receipts);
    for (const w of [...waiters]) w();
  };

  const server = net.createServer((socket) => {
    emulator.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setTimeout(options.lifetimeMs ?? 30_000, () => socket.destroy());
    if (mode === 'drop') {
      socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    // Real-time requests are answered from the condition at the moment they arrive.
    const interpreter = new EscPosInterpreter(
      {
        statusByte(n) {
          if (mode === 'silent') return null;
          if (n >= 1 && n <= 4) {
            emulator.statusRequests.push(n);
            return statusBytes(condition)[n as 1 | 2 | 3 | 4];
          }
          // GS r 1 (paper sensor) goes unanswered once paper has run out (hardware.md).
          if (n === 0x101) return condition.paperOut ? null : statusBytes(condition)[4];
          return null;
        },
      },
      options.columns ?? null,
    );
    let printing = true;
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (mode === 'silent') return;
      const answers = interpreter.feed(chunk);
      if (answers.length) socket.write(Buffer.from(answers));
      // Held, not printed: a printer with its cover open prints nothing of what it receives now.
      if (!canPrint()) printing = false;
      if (printing) deliver(interpreter.take());
    });
    socket.on('end', () => {
      const job = new Uint8Array(Buffer.concat(chunks));
      emulator.jobs.push(job);
      const receipts = interpreter.finish();
      if (mode === 'silent') {
        socket.end();
        return;
      }
      if (printing && canPrint()) deliver(receipts);
      else if (receipts.length) emulator.held.push(job);
      socket.end();
    });
  });

  const lifetime = setTimeout(() => void emulator.close(), options.lifetimeMs ?? 120_000);
  lifetime.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  emulator.port = (server.address() as net.AddressInfo).port;
  return emulator;
}
