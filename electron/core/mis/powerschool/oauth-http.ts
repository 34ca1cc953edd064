// HTTP with OAuth 2 client credentials, shared by PowerSchool and Ed-Fi: one token cached until
// shortly before it expires (PowerSchool sends `expires_in` as a string), concurrent callers share
// one token request, and a 401 on a call gets exactly one fresh token and one repeat. Every failure
// becomes a MisError the sync engine knows how to act on; bodies of 400s are left to the caller,
// which knows what its SIS means by them.
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../../logging/logger';
import { MisError } from '../errors';
import type { RateLimiter } from '../rate-limit';
import { parseRetryAfter } from '../wonde/http';

export interface OAuthHttpOptions {
  /** 'PowerSchool', 'Ed-Fi': named in every message the admin sees. */
  service: string;
  baseUrl: string;
  tokenPath: string;
  clientId: string;
  secret: () => string | null;
  /** Where the admin fixes credentials, for messages: "Admin → SIS connection". */
  credentialsHint: string;
  limiter: RateLimiter;
  logger: Logger;
  timeoutMs?: number;
  now?: () => number;
}

export interface HttpAnswer<T = unknown> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  generation: number;
}

/** A token is renewed this long before it runs out, so a request never leaves with a dying one. */
export function renewMargin(lifetimeMs: number): number {
  return Math.min(60_000, Math.max(1_000, Math.floor(lifetimeMs / 10)));
}

/** `expires_in` as PowerSchool (string) or the RFC (number) sends it; unknown → one hour. */
export function parseExpiresIn(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : 3_600_000;
}

export class OAuthHttp {
  private readonly ax: AxiosInstance;
  private token: CachedToken | null = null;
  private fetching: Promise<CachedToken> | null = null;
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly opts: OAuthHttpOptions) {
    this.now = opts.now ?? Date.now;
    this.ax = axios.create({
      baseURL: opts.baseUrl,
      timeout: opts.timeoutMs ?? 15_000,
      // Keep-alive: a backlog of marks must not open a socket per request.
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 8 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 8 }),
      headers: { Accept: 'application/json', 'User-Agent': 'Passdesk' },
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** Forget the token (the admin changed the secret, or the server revoked it). */
  invalidate(): void {
    this.token = null;
  }

  get<T>(path: string, params?: Record<string, string | number>, accept: number[] = []): Promise<HttpAnswer<T>> {
    return this.request<T>('GET', path, { params, accept });
  }

  post<T>(path: string, body: unknown, accept: number[] = []): Promise<HttpAnswer<T>> {
    return this.request<T>('POST', path, { body, accept });
  }

  /**
   * One call with a valid token. Returns 2xx answers and the statuses in `accept` (the caller
   * reads those bodies); anything else is thrown as a MisError.
   */
  async request<T>(method: 'GET' | 'POST', path: string, o: { params?: Record<string, string | number>; body?: unknown; accept?: number[] }): Promise<HttpAnswer<T>> {
    let token = await this.validToken();
    let res = await this.send(method, path, o, token.value);
    if (res.status === 401) {
      // Revoked or expired early: one new token, one repeat. A second 401 is the credentials.
      if (this.token?.generation === token.generation) this.token = null;
      this.opts.logger.info(`${this.opts.service.toLowerCase()}: access token refused, fetching a new one`);
      token = await this.validToken();
      res = await this.send(method, path, o, token.value);
      if (res.status === 401) {
        throw new MisError('auth', `${this.opts.service} refused a fresh access token (401). Check that the plugin is enabled and its access is granted, then the credentials in ${this.opts.credentialsHint}.`, { status: 401 });
      }
    }
    const { status } = res;
    if ((status >= 200 && status < 300) || o.accept?.includes(status)) return { status, data: res.data as T, headers: res.headers as Record<string, unknown> };
    throw this.statusError(method, path, res);
  }

  private async send(method: string, path: string, o: { params?: Record<string, string | number>; body?: unknown }, bearer: string): Promise<AxiosResponse> {
    await this.opts.limiter.acquire();
    try {
      return await this.ax.request({
        method,
        url: path,
        params: o.params,
        data: o.body,
        headers: { Authorization: `Bearer ${bearer}`, ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      });
    } catch (e) {
      throw this.networkError(e);
    }
  }

  private async validToken(): Promise<CachedToken> {
    const t = this.token;
    if (t && this.now() < t.expiresAt) return t;
    this.fetching ??= this.fetchToken().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetchToken(): Promise<CachedToken> {
    const secret = this.opts.secret();
    if (!secret) {
      throw new MisError('auth', `No ${this.opts.service} client secret is saved on this kiosk. Enter it in ${this.opts.credentialsHint}.`);
    }
    await this.opts.limiter.acquire();
    let res: AxiosResponse;
    try {
      res = await this.ax.post(this.opts.tokenPath, new URLSearchParams({ grant_type: 'client_credentials' }).toString(), {
        headers: {
          Authorization: `Basic ${Buffer.from(`${this.opts.clientId}:${secret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
        },
      });
    } catch (e) {
      throw this.networkError(e);
    }
    const body = (res.data ?? {}) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new MisError(
        'auth',
        `${this.opts.service} refused the client id and secret (${res.status}${typeof body.error === 'string' ? `: ${body.error}` : ''}). Check them in ${this.opts.credentialsHint}.`,
        { status: res.status },
      );
    }
    if (res.status < 200 || res.status >= 300) throw this.statusError('POST', this.opts.tokenPath, res);
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new MisError('server_error', `${this.opts.service} answered the token request without an access token.`);
    }
    const lifetime = parseExpiresIn(body.expires_in);
    this.generation += 1;
    this.token = { value: body.access_token, expiresAt: this.now() + lifetime - renewMargin(lifetime), generation: this.generation };
    this.opts.logger.debug(`${this.opts.service.toLowerCase()}: new access token`, { lifetimeS: Math.round(lifetime / 1000) });
    return this.token;
  }

  private statusError(method: string, path: string, res: AxiosResponse): MisError {
    const { status } = res;
    const what = `${method} ${path.replace(/^https?:\/\/[^/]+/, '').split('?')[0]}`;
    const service = this.opts.service;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.now());
      if (retryAfterMs !== null) this.opts.limiter.pauseUntil(this.now() + retryAfterMs);
      return new MisError('rate_limited', `${service} asked us to slow down (429)${retryAfterMs !== null ? `; retrying after ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`, {
        status,
        ...(retryAfterMs !== null ? { retryAfterMs } : {}),
      });
    }
    if (status === 403) {
      return new MisError('forbidden', `${service} refused access to ${what} (403): the plugin or API client lacks this permission. ${messageOf(res.data)}`.trim(), { status, body: res.data });
    }
    if (status >= 500) return new MisError('server_error', `${service} had a server error (${status}) on ${what}.`, { status });
    if (status === 404) return new MisError('rejected', `${service} does not know ${what} (404): check the address and the plugin version.`, { status });
    return new MisError('rejected', `${service} refused ${what} (${status}). ${messageOf(res.data)}`.trim(), { status, body: res.data });
  }

  private networkError(e: unknown): MisError {
    if (e instanceof MisError) return e;
    const ax = e as AxiosError;
    const code = ax.code ?? '';
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(ax.message ?? '')) {
      return new MisError('timeout', `${this.opts.service} did not answer in time.`);
    }
    return new MisError('network', `Cannot reach ${this.opts.service} (${code || ax.message || 'network error'}).`);
  }
}

/** "See 'validationErrors' for details.": a pointer to the message, not one. */
const POINTER = /see '(validationErrors|errors)'/i;

/**
 * The first concrete message of a problem-details body (Ed-Fi ODS/API, Data Management Service):
 * a validationErrors entry with its path ("studentReference: …"), else an errors entry; null when
 * it has neither (then its `detail` may be only a "See 'validationErrors'" pointer).
 */
export function problemMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as { validationErrors?: unknown; errors?: unknown };
  const text = (m: unknown): m is string => typeof m === 'string' && m.trim() !== '';
  if (b.validationErrors && typeof b.validationErrors === 'object' && !Array.isArray(b.validationErrors)) {
    for (const [path, msgs] of Object.entries(b.validationErrors as Record<string, unknown>)) {
      const first = (Array.isArray(msgs) ? msgs : [msgs]).find(text);
      if (first) return `${path.replace(/^\$\.?/, '') || path}: ${first.trim()}`;
    }
  }
  const first = Array.isArray(b.errors) ? b.errors.find(text) : undefined;
  return first ? first.trim() : null;
}

/**
 * The human part of an error body, whatever its shape: message, error, errors[].message … A
 * problem-details body gives its first concrete message (problemMessage); a "See
 * 'validationErrors' for details." pointer is never the message.
 */
export function messageOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 300);
  if (!body || typeof body !== 'object') return '';
  const concrete = problemMessage(body);
  if (concrete) return concrete.slice(0, 300);
  const parts: string[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 4 || parts.length > 5) return;
    if (typeof v === 'string') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (typeof x === 'string' && /message|error|description|detail/i.test(k) && !POINTER.test(x) && !parts.includes(x)) parts.push(x);
        else walk(x, depth + 1);
      }
    }
  };
  walk(body, 0);
  return parts.join(' ').slice(0, 300);
}
