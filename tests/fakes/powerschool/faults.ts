// Fault injection for the US fakes (PowerSchool, Ed-Fi): the next N requests that match answer
// with a status (500, 429 + Retry-After, 401 …), arrive late, or lose their connection. A bounded
// HTTP server on 127.0.0.1 that closes itself after `lifetimeMs` whatever the test does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  /** Matches the request path (without query): a substring or a RegExp. */
  path: string | RegExp;
  method?: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering (or before the fault's status). */
  delayMs?: number;
  /** Destroy the socket without an answer (a network failure). */
  drop?: boolean;
  /** Let the server do the work, then destroy the socket: a write that landed but whose answer was lost. */
  dropAfterHandling?: boolean;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  status: number;
}

export class FaultBook {
  private readonly faults: (Fault & { left: number })[] = [];

  inject(f: Fault): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  take(method: string, path: string): Fault | null {
    const i = this.faults.findIndex((f) => (!f.method || f.method === method) && (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path)));
    if (i < 0) return null;
    const f = this.faults[i]!;
    f.left -= 1;
    if (f.left <= 0) this.faults.splice(i, 1);
    return f;
  }
}

export type Handler = (req: { method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; raw: string }) => { status: number; body?: unknown; headers?: Record<string, string> };

/** Start an HTTP server on 127.0.0.1 that consults the fault book before the handler. */
export async function startFakeHttp(handler: Handler, faults: FaultBook, log: LoggedRequest[], lifetimeMs = 120_000): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const raw = Buffer.concat(chunks).toString('utf8');
        const method = req.method ?? 'GET';
        const entry: LoggedRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body: parseBody(raw, req.headers['content-type']), status: 0 };
        log.push(entry);
        const fault = faults.take(method, url.pathname);
        if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault?.drop) {
          entry.status = -1;
          req.socket.destroy();
          return;
        }
        let answer: ReturnType<Handler>;
        if (fault?.status) answer = { status: fault.status, body: fault.body ?? { message: `Injected ${fault.status}` }, headers: fault.headers };
        else {
          try {
            answer = handler({ method, path: url.pathname, query: url.searchParams, headers: req.headers, raw });
          } catch (e) {
            answer = { status: 500, body: { message: (e as Error).message } };
          }
        }
        entry.status = answer.status;
        if (fault?.dropAfterHandling) {
          req.socket.destroy();
          return;
        }
        const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(payload);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stopper = setTimeout(() => void close(), lifetimeMs);
  stopper.unref();
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      clearTimeout(stopper);
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close };
}

function parseBody(raw: string, type: string | undefined): unknown {
  if (!raw) return null;
  if (type?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Basic client:secret from an Authorization header, or null. */
export function basicAuth(header: string | undefined): { id: string; secret: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? null : { id: text.slice(0, i), secret: text.slice(i + 1) };
}
