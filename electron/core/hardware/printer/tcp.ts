// Raw TCP to port 9100 ("JetDirect"): the one two-way transport. Before each pass we ask the
// printer DLE EOT 1, 2 and 4 on the same connection; a printer out of paper or with its cover
// open would otherwise swallow the job into its buffer and print it minutes later, and a pass
// printed ten minutes late is wrong.
import net from 'node:net';
import type { PrinterStatus } from '../../../../shared/pass';
import { blocksPrinting, printerStatus, statusFromBytes, type StatusBytes } from './status';
import { errnoOf, type PrinterTransport, type SendOutcome } from './transport';

export interface TcpOptions {
  host: string;
  port: number;
  timeoutMs: number;
}

const DLE = 0x10;
const EOT = 0x04;

class Session {
  private readonly socket: net.Socket;
  private readonly pending: Buffer[] = [];
  private waiter: (() => void) | null = null;
  private failure: string | null = null;
  private closed = false;

  constructor(
    private readonly options: TcpOptions,
    private readonly deadline: number,
  ) {
    this.socket = new net.Socket();
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => {
      this.pending.push(chunk);
      this.wake();
    });
    this.socket.on('error', (e) => {
      this.failure = describeNetError(e, options);
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.failure ??= 'the printer closed the connection';
      this.wake();
    });
  }

  private wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private remaining() {
    return Math.max(0, this.deadline - Date.now());
  }

  /** Waits for `ready()` or failure or the deadline; true when ready. */
  private async until(ready: () => boolean): Promise<boolean> {
    while (!ready()) {
      if (this.failure !== null || this.remaining() === 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.remaining());
        timer.unref?.();
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  }

  async connect(): Promise<string | null> {
    let connected = false;
    this.socket.connect(this.options.port, this.options.host, () => {
      connected = true;
      this.wake();
    });
    if (await this.until(() => connected)) return null;
    return this.failure ?? `no connection to ${this.options.host}:${this.options.port} within ${this.options.timeoutMs} ms`;
  }

  /** One real-time status byte, or undefined when the printer stays silent. */
  async ask(n: 1 | 2 | 3 | 4): Promise<number | undefined> {
    this.socket.write(Buffer.from([DLE, EOT, n]));
    const got = await this.until(() => this.pending.some((b) => b.length > 0));
    if (!got) return undefined;
    const first = this.pending[0]!;
    const byte = first[0]!;
    if (first.length === 1) this.pending.shift();
    else this.pending[0] = first.subarray(1);
    return byte;
  }

  async status(): Promise<PrinterStatus> {
    const bytes: StatusBytes = {};
    bytes.printer = await this.ask(1);
    if (bytes.printer === undefined) return this.silent();
    bytes.offline = await this.ask(2);
    bytes.paper = await this.ask(4);
    if (bytes.offline === undefined || bytes.paper === undefined) return this.silent();
    return statusFromBytes(bytes);
  }

  private silent(): PrinterStatus {
    return printerStatus('offline', true, this.failure ?? 'it did not answer the status check');
  }

  /** Writes the job and closes our side; true once the bytes are handed to the network. */
  async write(bytes: Uint8Array): Promise<boolean> {
    let flushed = false;
    this.socket.end(bytes, () => {
      flushed = true;
      this.wake();
    });
    if (!(await this.until(() => flushed))) return false;
    // Let the printer close its side, so that the job is not cut off; its bytes are already with
    // the kernel, so running out of time here is not a failure.
    await this.until(() => this.closed);
    return true;
  }

  get problem(): string | null {
    return this.failure;
  }

  destroy() {
    this.socket.destroy();
  }
}

function describeNetError(e: NodeJS.ErrnoException, o: TcpOptions): string {
  const where = `${o.host}:${o.port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `${where} refused the connection; is the printer on, and is the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name ${o.host} is not known on this network`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return `${where} cannot be reached`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${where} dropped the connection`;
    default:
      return `${where}: ${errnoOf(e)}`;
  }
}

export function tcpTransport(options: TcpOptions): PrinterTransport {
  const open = async (): Promise<Session | PrinterStatus> => {
    const session = new Session(options, Date.now() + options.timeoutMs);
    const failed = await session.connect();
    if (failed === null) return session;
    session.destroy();
    return printerStatus('offline', true, failed);
  };

  return {
    kind: 'tcp',
    twoWay: true,
    async status() {
      const session = await open();
      if (!(session instanceof Session)) return session;
      try {
        return await session.status();
      } finally {
        session.destroy();
      }
    },
    async send(bytes): Promise<SendOutcome> {
      const session = await open();
      if (!(session instanceof Session)) return { ok: false, status: session };
      try {
        const status = await session.status();
        if (blocksPrinting(status.state)) return { ok: false, status };
        if (await session.write(bytes)) return { ok: true, status };
        return { ok: false, status: printerStatus('offline', true, session.problem ?? 'the pass could not be sent in time') };
      } finally {
        session.destroy();
      }
    },
  };
}
