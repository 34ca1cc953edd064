// Wonde over HTTP: auth, the school's regional domain, `next`-link paging, and every failure
// turned into a MisError the engine knows how to act on. Uses axios (the project's HTTP client).
import axios, { type AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../../logging/logger';
import { MisError } from '../errors';
import { unlimited, type RateLimiter } from '../rate-limit';

export interface WondeHttpOptions {
  baseUrl: string; // https://api.wonde.com/v1.0/
  token: () => string | null;
  limiter: RateLimiter;
  logger: Logger;
  timeoutMs?: number;
  /** Connections kept open to Wonde (keep-alive). */
  maxSockets?: number;
}

export interface WondePage<T> {
  data: T[];
  meta?: { pagination?: { next?: string | null; more?: boolean } };
}

export class WondeHttp {
  private readonly ax: AxiosInstance;
  private readonly origin: string;

  constructor(private readonly opts: WondeHttpOptions) {
    this.origin = new URL(opts.baseUrl).origin;
    this.ax = axios.create({
      baseURL: opts.baseUrl,
      timeout: opts.timeoutMs ?? 15_000,
      // Keep-alive: a backlog of thousands of marks must not open a socket per request.
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 8 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 8 }),
      headers: { Accept: 'application/json', 'User-Agent': 'Passdesk' },
      // We sort statuses ourselves, so that no status turns into an unhelpful generic throw.
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** Issue 16: what a worker thread needs to open the same connection (the roster import). */
  connection(): { baseUrl: string; token: string | null; timeoutMs: number | undefined; limited: boolean } {
    return { baseUrl: this.opts.baseUrl, token: this.opts.token(), timeoutMs: this.opts.timeoutMs, limited: this.opts.limiter !== unlimited };
  }

  async get<T>(pathOrUrl: string, params?: Record<string, string | number>): Promise<T> {
    return this.request<T>({ method: 'GET', url: pathOrUrl, params });
  }

  /**
   * A GET's body as text, unparsed (issue 16): the roster import reads a page's `next` link from
   * its end and asks for that page before it parses this one (roster/sources/wonde.ts).
   */
  async getText(pathOrUrl: string, params?: Record<string, string | number>): Promise<string> {
    const body = await this.request<unknown>({ method: 'GET', url: pathOrUrl, params, responseType: 'text', transformResponse: (data: unknown) => data });
    // Always text (responseType 'text', no transform); anything else is read as the JSON it would be.
    return typeof body === 'string' ? body : JSON.stringify(body ?? null);
  }

  /** `refs[i]` is our outbox row behind record i of the body, so that a 422 can name rows. */
  async post<T>(path: string, body: unknown, refs?: readonly number[]): Promise<T> {
    return this.request<T>({ method: 'POST', url: path, data: body, headers: { 'Content-Type': 'application/json' }, refs });
  }

  /** Every item of a paginated list, following `meta.pagination.next` as given. */
  async *all<T>(path: string, params?: Record<string, string | number>): AsyncGenerator<T> {
    let page = listPage<T>(await this.get<unknown>(path, params), path);
    for (;;) {
      for (const item of page.data) yield item;
      const next = page.meta?.pagination?.next;
      if (!next) return;
      page = listPage<T>(await this.get<unknown>(next), path);
    }
  }

  private async request<T>(config: AxiosRequestConfig & { refs?: readonly number[] }): Promise<T> {
    // The token must never go to another host, whatever a `next` link says.
    const target = new URL(String(config.url), this.opts.baseUrl);
    if (target.origin !== this.origin) {
      throw new MisError('server_error', `Wonde pointed a page at another host (${target.host}); refusing to follow it with the school's token.`);
    }
    const token = this.opts.token();
    if (!token) throw new MisError('auth', 'No Wonde access token is saved on this kiosk. Paste the token in Admin → MIS connection.');
    await this.opts.limiter.acquire();
    let res;
    try {
      const { refs: _refs, ...axiosConfig } = config;
      res = await this.ax.request({ ...axiosConfig, headers: { ...config.headers, Authorization: `Bearer ${token}` } });
    } catch (e) {
      throw networkError(e);
    }
    const { status } = res;
    if (status >= 200 && status < 300) return res.data as T;
    // An error's body, asked for as text (getText), is read as the JSON it usually is.
    if (typeof res.data === 'string' && config.responseType === 'text') res.data = jsonOrText(res.data);
    const what = `${config.method} ${String(config.url).replace(/^https?:\/\/[^/]+/, '')}`;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      if (retryAfterMs !== null) this.opts.limiter.pauseUntil(Date.now() + retryAfterMs);
      throw new MisError('rate_limited', `Wonde asked us to slow down (429)${retryAfterMs !== null ? `; retrying after ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`, {
        status,
        ...(retryAfterMs !== null ? { retryAfterMs } : {}),
      });
    }
    if (status === 401) throw new MisError('auth', 'Wonde refused the access token (401). Check the token in Admin → MIS connection.', { status });
    if (status === 403)
      throw new MisError('forbidden', 'Wonde refused access (403): the school has not granted Passdesk this permission in Wonde.', { status, body: res.data });
    if (status >= 500) throw new MisError('server_error', `Wonde had a server error (${status}) on ${what}.`, { status });
    if (status === 422) throw validationError(res.data, config.refs);
    if (status === 404) throw new MisError('rejected', `Wonde does not know ${what} (404): check the school id.`, { status });
    throw new MisError('rejected', `Wonde refused ${what} (${status}).`, { status, body: res.data });
  }
}

function networkError(e: unknown): MisError {
  const ax = e as AxiosError;
  const code = ax.code ?? '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(ax.message ?? '')) {
    return new MisError('timeout', 'Wonde did not answer in time.');
  }
  return new MisError('network', `Cannot reach Wonde (${code || ax.message || 'network error'}).`);
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * A list answer must be `{data: [...]}`. Anything else (an HTML error page with a 200, a proxy's
 * login page, a body cut short) is not "an empty list": taking it for one would read a register as
 * "no mark" and write over a protected code. It is a transient error, so the read is retried.
 */
export function listPage<T>(body: unknown, path: string): WondePage<T> {
  const b = body as WondePage<T> | null;
  if (!b || typeof b !== 'object' || !Array.isArray(b.data)) {
    throw new MisError('server_error', `Wonde answered ${path.replace(/^https?:\/\/[^/]+/, '').split('?')[0]} with something that is not a list; will try again.`, { body });
  }
  return b;
}

type ValidationKind = 'student_not_in_mis' | 'unknown_code' | 'rejected';
const PREFIX: Record<ValidationKind, string> = {
  student_not_in_mis: 'Wonde does not know this student: ',
  unknown_code: 'Wonde refused the attendance code: ',
  rejected: 'Wonde refused the mark: ',
};

/** Field names say what was wrong, which decides the kind: an unknown student or code is more useful to an admin than "rejected". */
function kindOf(fields: string[], messages: string[]): ValidationKind {
  const all = `${fields.join(' ')} ${messages.join(' ')}`.toLowerCase();
  return /student/.test(all) ? 'student_not_in_mis' : /attendance_code|code/.test(all) ? 'unknown_code' : 'rejected';
}

/**
 * A 422 body's shape is not documented (the public PHP client only hands the decoded body to the
 * caller: wondeltd/php-client src/Endpoints/BootstrapEndpoint.php, throwError). Laravel's
 * `{message, errors: {"attendance.N.field": [msg]}}` is the likely one; `{errors}` alone, a plain
 * `{error}` or `{message}`, and `{error: {message, errors}}` are tolerated.
 *
 * `refs[i]` is our outbox row behind record i of the request. A key `attendance.N.…` names
 * record N, so exactly those rows are returned in `details.refs` (with each row's own messages in
 * `details.refMessages`) and the engine writes the others again without them. A key without a
 * record number (`attendance`: the whole request) names every record.
 */
export function validationError(body: unknown, refs: readonly number[] = []): MisError {
  let b = (body ?? {}) as { message?: unknown; error?: unknown; errors?: unknown };
  if (b.error && typeof b.error === 'object' && !b.errors) b = b.error as typeof b;
  const fields: string[] = [];
  const messages: string[] = [];
  const perRow = new Map<number, { fields: string[]; messages: string[] }>();
  let wholeRequest = false;
  if (b.errors && typeof b.errors === 'object') {
    for (const [field, v] of Object.entries(b.errors as Record<string, unknown>)) {
      const texts = (Array.isArray(v) ? v : [v]).filter((m): m is string => typeof m === 'string');
      fields.push(field);
      for (const m of texts) if (!messages.includes(m)) messages.push(m);
      const row = /^attendance\.(\d+)(?:\.|$)/.exec(field);
      const i = row ? Number(row[1]) : -1;
      if (i < 0) wholeRequest = true;
      else if (i < refs.length) {
        const r = perRow.get(i) ?? { fields: [], messages: [] };
        r.fields.push(field);
        r.messages.push(...texts);
        perRow.set(i, r);
      }
    }
  }
  for (const m of [b.message, b.error]) if (typeof m === 'string' && !messages.includes(m) && (messages.length === 0 || m !== 'The given data was invalid.')) messages.push(m);
  const details: ConstructorParameters<typeof MisError>[2] = { status: 422, body };
  let kind: ValidationKind;
  let text: string;
  if (!wholeRequest && perRow.size > 0) {
    // Only the rows' own messages: the request-level "The given data was invalid." says nothing.
    const rows = [...perRow.entries()].sort((a, b2) => a[0] - b2[0]);
    const rowMessages = [...new Set(rows.flatMap(([, r]) => r.messages))];
    kind = kindOf(rows.flatMap(([, r]) => r.fields), rowMessages);
    text = rowMessages.join(' ') || 'Wonde refused the mark (422).';
    details.refs = rows.map(([i]) => refs[i]!);
    details.refMessages = Object.fromEntries(rows.map(([i, r]) => [refs[i]!, PREFIX[kindOf(r.fields, r.messages)] + (r.messages.join(' ') || 'refused (422).')]));
  } else {
    kind = kindOf(fields, messages);
    text = messages.join(' ') || 'Wonde refused the mark (422).';
    if (wholeRequest && refs.length > 0) details.refs = [...refs];
  }
  return new MisError(kind, PREFIX[kind] + text, details);
}
