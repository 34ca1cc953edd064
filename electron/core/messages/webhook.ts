// The signed webhook (docs/webhook.md): an HTTP POST of JSON to the school's own service (a
// text-message gateway, a parent app). The signature is HMAC-SHA256 over "<timestamp>.<body>",
// sent as `X-Passdesk-Signature: sha256=<hex>` with `X-Passdesk-Timestamp` (Unix seconds), so a
// receiver can check the body is ours and refuse an old delivery replayed later (the scheme of
// Stripe's and Slack's signed requests: the timestamp is signed with the body). The delivery id
// (`X-Passdesk-Delivery`, also the body's `id`) is the same on every attempt: a receiver that
// keeps the ids it has seen gets every message exactly once.
import { createHmac } from 'node:crypto';
import type { MessageRow } from '../db/messages';
import type { SendVerdict } from './mailer';

export const SIGNATURE_HEADER = 'X-Passdesk-Signature';
export const TIMESTAMP_HEADER = 'X-Passdesk-Timestamp';
export const DELIVERY_HEADER = 'X-Passdesk-Delivery';
export const EVENT_HEADER = 'X-Passdesk-Event';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * What an answer means: 2xx delivered; 408 and 429 "try later" (RFC 9110 §15.5.9, RFC 6585 §4);
 * any other 4xx refused for good (the receiver says the request itself is wrong: a bad signature,
 * a removed endpoint); 5xx, timeouts and network faults try again.
 */
export function classifyHttp(status: number, bodyText: string, retryAfter: number | undefined): SendVerdict {
  const said = bodyText.replace(/\s+/g, ' ').trim().slice(0, 160);
  if (status >= 200 && status < 300) return { ok: true, reply: `HTTP ${status}` };
  if (status === 408 || status === 429)
    return { ok: false, transient: true, kind: 'http_4xx', message: `The school’s service asked to try later (HTTP ${status}${said ? `: ${said}` : ''}).`, retryAfterMs: retryAfter };
  if (status >= 400 && status < 500) {
    const hint = status === 401 || status === 403 ? ' Check that the webhook secret matches the one the service has.' : status === 404 || status === 410 ? ' Check the webhook address.' : '';
    return { ok: false, transient: false, kind: 'http_4xx', message: `The school’s service refused the message (HTTP ${status}${said ? `: ${said}` : ''}).${hint}` };
  }
  return { ok: false, transient: true, kind: 'http_5xx', message: `The school’s service failed (HTTP ${status}${said ? `: ${said}` : ''}); trying again.`, retryAfterMs: retryAfter };
}

export interface WebhookOptions {
  timeoutMs: number;
  now?: () => number;
}

export async function postWebhook(row: MessageRow, secret: string | null, options: WebhookOptions): Promise<SendVerdict> {
  if (!secret) return { ok: false, transient: true, kind: 'config', message: 'No webhook secret is stored. Enter it in Settings → Messages (the service checks every message with it).' };
  const now = options.now ?? Date.now;
  const timestamp = Math.floor(now() / 1000);
  let host = row.recipient;
  try {
    host = new URL(row.recipient).host;
  } catch {
    return { ok: false, transient: false, kind: 'config', message: 'The webhook address is not a valid URL.' };
  }
  try {
    const res = await fetch(row.recipient, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Passdesk-Webhook/1',
        [SIGNATURE_HEADER]: signWebhook(secret, timestamp, row.body),
        [TIMESTAMP_HEADER]: String(timestamp),
        [DELIVERY_HEADER]: row.message_id,
        [EVENT_HEADER]: row.kind,
      },
      body: row.body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await res.text().catch(() => '');
    return classifyHttp(res.status, text, retryAfterMs(res.headers.get('retry-after'), now()));
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
      return { ok: false, transient: true, kind: 'timeout', message: `The school’s service at ${host} did not answer within ${Math.round(options.timeoutMs / 1000)} s.` };
    const code = err.cause?.code ?? '';
    if (code === 'ECONNREFUSED') return { ok: false, transient: true, kind: 'refused', message: `Nothing answered at ${host} (connection refused). Check the webhook address.` };
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { ok: false, transient: true, kind: 'dns', message: `The name ${host} could not be found. Check the webhook address and the kiosk’s network.` };
    if (/UND_ERR_(HEADERS|BODY)_TIMEOUT|UND_ERR_CONNECT_TIMEOUT/.test(code))
      return { ok: false, transient: true, kind: 'timeout', message: `The school’s service at ${host} did not answer in time.` };
    if (/CERT|SSL|TLS/i.test(code)) return { ok: false, transient: true, kind: 'tls', message: `The secure connection to ${host} failed (${code}). Check the service’s certificate.` };
    return { ok: false, transient: true, kind: 'network', message: `The school’s service at ${host} could not be reached (${code || err.cause?.message || err.message}).` };
  }
}
