// A local HTTP receiver for the signed webhook, checking each delivery as docs/webhook.md tells a
// school's service to: HMAC-SHA256 over "<X-Passdesk-Timestamp>.<raw body>" with the shared
// secret, compared in constant time, the timestamp within 5 minutes, and the delivery id
// (X-Passdesk-Delivery) remembered so a repeat is acknowledged but not acted on twice. Faults as a
// real service shows them (RFC 9110 §15: 2xx success, 4xx client error, 5xx server error; 408
// Request Timeout §15.5.9; 429 Too Many Requests, RFC 6585 §4, with Retry-After, RFC 9110 §10.2.3):
// a queue of status codes to answer with, a hang (no answer: the client's timeout), or closed.
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  id: string;
  type: string;
  body: Record<string, unknown>;
  signatureOk: boolean;
  timestamp: number;
}

export interface FakeReceiver {
  url: string;
  /** Every delivery that arrived with a valid signature and was answered 2xx, first time only. */
  delivered: Delivery[];
  /** Every request, whatever the answer. */
  requests: { id: string | null; status: number; signatureOk: boolean }[];
  /** Answers to give, in order, before answering 200 again: a status, or { status, retryAfter }, or 'hang'. */
  script: (number | { status: number; retryAfter?: string } | 'hang')[];
  secret: string;
  /** Fired for each request as it arrives, before it is answered (the crash test kills here). */
  onRequest(listener: (id: string | null, answer: number | 'hang') => void): () => void;
  close(): Promise<void>;
}

export function verifySignature(secret: string, header: string | undefined, timestamp: string | undefined, raw: string): boolean {
  if (!header || !timestamp || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`);
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

export async function startFakeReceiver(secret: string): Promise<FakeReceiver> {
  const seen = new Set<string>();
  const hanging = new Set<http.ServerResponse>();
  const requestListeners = new Set<(id: string | null, answer: number | 'hang') => void>();
  const state: FakeReceiver = {
    url: '',
    delivered: [],
    requests: [],
    script: [],
    secret,
    onRequest(l) {
      requestListeners.add(l);
      return () => requestListeners.delete(l);
    },
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = req.headers['x-passdesk-timestamp'] as string | undefined;
      const ok = verifySignature(state.secret, req.headers['x-passdesk-signature'] as string | undefined, ts, raw) && Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
      const id = (req.headers['x-passdesk-delivery'] as string | undefined) ?? null;
      const next = state.script.shift();
      if (next === 'hang') {
        hanging.add(res);
        state.requests.push({ id, status: 0, signatureOk: ok });
        for (const l of requestListeners) l(id, 'hang');
        return;
      }
      const status = !ok ? 401 : next === undefined ? 200 : typeof next === 'number' ? next : next.status;
      state.requests.push({ id, status, signatureOk: ok });
      if (status >= 200 && status < 300 && id && !seen.has(id)) {
        seen.add(id);
        const body = JSON.parse(raw) as Record<string, unknown>;
        state.delivered.push({ id, type: String(body.type), body, signatureOk: ok, timestamp: Number(ts) });
      }
      // Recorded (acted on) before the answer goes: a client killed now never hears the 2xx.
      for (const l of requestListeners) l(id, status);
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (typeof next === 'object' && next.retryAfter) headers['retry-after'] = next.retryAfter;
      res.writeHead(status, headers);
      res.end(status === 401 ? 'bad signature' : status >= 400 ? `status ${status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/passdesk`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
