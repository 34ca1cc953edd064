// The roster from the MIS through Wonde: GET /schools/{id}/students, page after page, following
// `meta.pagination.next` as given, with year, groups and contacts included; photos from
// /schools/{id}/photos only where the school allows them. Which includes exist and how they are
// shaped is UNCONFIRMED (reference/mis-apis.md), so every reading below tolerates the likely shapes.
// The HTTP layer (auth, regional domain, errors) is the Wonde connector's WondeHttp.
import type { WondeSettings } from '../../../../shared/mis';
import { secretKeys } from '../../../../shared/mis';
import type { Logger } from '../../logging/logger';
import { isMisError, MisError } from '../../mis/errors';
import { unlimited } from '../../mis/rate-limit';
import { listPage, WondeHttp, type WondePage } from '../../mis/wonde/http';
import type { SecretStore } from '../../security/secrets';
import { parseYear } from '../csv';
import type { DescribedSource, SourceSpec } from './spec-types';
import { byPriority, checkContact, contactsJson, checkStudent, describeRowIssues, fitContactText, fitStudentText, readFlag, readPriority, RosterError, type Contact, type RosterIssue, type RosterRecord, type SourceContext } from '../model';

/** The one call the roster needs of Wonde's HTTP layer (WondeHttp has it): a page's body, unparsed. */
export interface WondeGet {
  getText(pathOrUrl: string, params?: Record<string, string | number>): Promise<string>;
}

/**
 * The `next` link of a Wonde list page, read from the end of its text without parsing the page
 * (issue 16): Wonde puts `meta` after `data` ({"data":[…],"meta":{"pagination":{"next":…}}}), so
 * the import can ask for the next page before it parses this one. Only when the text ends with a
 * top-level `"meta": {…}` member: whatever follows the last `"meta"` key must parse, alone, as the
 * object that closes the page (a `"meta"` key inside a student would leave `]` and `}` after it,
 * and fail). undefined when it cannot tell (meta first, or elsewhere, or no pagination): then the
 * page is parsed first, as any other. The parsed page is the one that counts: the import checks
 * that it gives the same link.
 */
export function peekNextLink(text: string): string | null | undefined {
  const key = text.lastIndexOf('"meta"');
  const end = text.lastIndexOf('}');
  if (key < 0 || end < key) return undefined;
  const colon = text.indexOf(':', key + 6);
  if (colon < 0 || text.slice(key + 6, colon).trim() !== '') return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(text.slice(colon + 1, end));
  } catch {
    return undefined;
  }
  const pagination = obj(obj(meta)?.pagination);
  if (!pagination) return undefined;
  const next = pagination.next ?? null;
  return typeof next === 'string' || next === null ? next : undefined;
}

/** The page's own `next` link, as the import follows it. */
const nextOf = (page: WondePage<unknown>): string | null => page.meta?.pagination?.next ?? null;

export interface WondeRosterOptions {
  http: WondeGet;
  schoolId: string;
  /** Where `next` links may point: the token never goes to another host. */
  origin: string;
  photos: boolean;
  contacts: boolean;
  badgeFrom: 'none' | 'mis_id' | 'upi' | 'id';
  perPage: number;
  logger?: Logger;
  /** Tries per page for a transient failure (network, 5xx, 429) before the import gives up. */
  attempts?: number;
  /** Waits between tries (ms); tests shorten them. */
  backoffMs?: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);
/** Wonde wraps includes as {data: …}; tolerate a bare value too. */
const unwrap = (v: unknown): unknown => obj(v)?.data ?? v;
const list = (v: unknown): Obj[] => {
  const u = unwrap(v);
  return Array.isArray(u) ? (u.map(obj).filter(Boolean) as Obj[]) : [];
};

/**
 * Year from `year` ({code:"9"} or {name:"Year 9"}), else `education_details.current_nc_year`;
 * early-years codes ("Year R", "Reception", "Girls Reception", "N1", "N2", "Nursery", "Year N2")
 * as parseYear reads them. `unreadable`: the code given when none of them could be read ("40").
 */
export function wondeYearReading(s: Obj): { year: number | null; unreadable: string | null } {
  const y = obj(unwrap(s.year));
  const candidates = [y?.code, y?.name, y?.description, obj(unwrap(s.education_details))?.current_nc_year];
  let unreadable: string | null = null;
  for (const c of candidates) {
    const t = str(c);
    if (t === null) continue;
    const n = parseYear(t);
    if (!Number.isNaN(n)) return { year: n, unreadable: null };
    unreadable ??= t;
  }
  return { year: null, unreadable };
}

export function wondeYear(s: Obj): number | null {
  return wondeYearReading(s).year;
}

function wondeGroups(s: Obj): { form: string | null; names: string[] } {
  const groups = list(s.groups);
  const reg = groups.find((g) => /registration|form|tutor/i.test(str(g.type) ?? ''));
  const form = str(reg?.name) ?? str(reg?.code) ?? str(unwrap(s.registration_group)) ?? str(obj(unwrap(s.registration_group))?.name) ?? null;
  return { form, names: groups.map((g) => str(g.name)).filter((n): n is string => n !== null) };
}

/**
 * A student's contacts. Issue 17: the relationship also carries parental responsibility and
 * priority. Where they sit is UNCONFIRMED (the fake serves every shape: tests/fakes/wonde-roster
 * `contactShape`, with its sources): inside the `relationship` object ({data:{relationship,
 * parental_responsibility, priority, …}} — Wonde's contact sample shows `relationship` as an
 * object), or beside it on the contact with `relationship` a plain string. Phones: `telephones` (as
 * before) or `phones` (Wonde's sample on Schoolzine's knowledge base).
 */
export function wondeContacts(s: Obj): Contact[] {
  const out: Contact[] = [];
  for (const c of list(s.contacts)) {
    const details = obj(unwrap(c.contact_details));
    const emails = obj(details?.emails);
    const phones = obj(details?.telephones) ?? obj(details?.phones);
    const rel = obj(unwrap(c.relationship));
    const parsed = checkContact(
      fitContactText({
        name: [str(c.forename), str(c.surname)].filter(Boolean).join(' ') || null,
        relationship: str(rel?.relationship) ?? str(rel?.relationship_type) ?? str(rel?.type) ?? str(c.relationship) ?? null,
        phone: str(phones?.mobile) ?? str(phones?.phone) ?? str(phones?.primary) ?? str(phones?.home) ?? null,
        email: str(emails?.email) ?? str(emails?.primary) ?? null,
        parentalResponsibility: readFlag(rel?.parental_responsibility ?? c.parental_responsibility),
        priority: readPriority(rel?.priority ?? c.priority),
      }),
    );
    // Issue 17: a contact with a name but no phone or e-mail may still collect the student.
    if (parsed.success && (parsed.data.phone || parsed.data.email || parsed.data.name)) out.push(parsed.data);
  }
  return byPriority(out);
}

/** Contacts with their stored JSON made now, while the next page is on its way (contactsJson). */
const stored = (contacts: Contact[]): Contact[] => (contactsJson(contacts), contacts);

/**
 * One Wonde student → a record, or the reason it cannot be one. Caveats that keep the student (a
 * year code that cannot be read, a name cut short) go to `warnings`.
 */
export function wondeStudentToRecord(
  s: Obj,
  line: number,
  opts: Pick<WondeRosterOptions, 'badgeFrom' | 'contacts'>,
  warnings: RosterIssue[] = [],
): RosterRecord | RosterIssue {
  const id = str(s.id);
  if (!id) return { line, severity: 'error', message: 'A student in the MIS list has no id.' };
  const { form, names } = wondeGroups(s);
  const badge = opts.badgeFrom === 'none' ? null : opts.badgeFrom === 'id' ? id : str(s[opts.badgeFrom]);
  const { year, unreadable } = wondeYearReading(s);
  if (unreadable !== null) {
    // Never drop the student (the next import would make them a leaver) for one odd field.
    warnings.push({ line, severity: 'warning', studentId: id, message: `MIS student ${id}: year "${unreadable}" cannot be read as a year; imported without a year.` });
  }
  const text = fitStudentText({ forename: str(s.forename) ?? str(s.legal_forename) ?? '', surname: str(s.surname) ?? str(s.legal_surname) ?? '', form }, line, warnings, id);
  const parsed = checkStudent({
    id,
    misId: id, // writeback refers to the student by Wonde's id
    forename: text.forename,
    surname: text.surname,
    year,
    form: text.form,
    groupId: null,
    badge,
    photo: null,
  });
  if (!parsed.success) return { line, severity: 'error', studentId: id, message: `MIS student ${id}: ${describeRowIssues(parsed.error)}` };
  return {
    line,
    student: parsed.data,
    groupName: null,
    groupHints: names,
    badgeGiven: opts.badgeFrom !== 'none',
    photoGiven: false,
    contacts: opts.contacts ? stored(wondeContacts(s)) : undefined,
  };
}

export class WondeRosterSource implements DescribedSource {
  readonly kind = 'wonde';

  constructor(private readonly opts: WondeRosterOptions) {}

  /** For the import worker: the same pages fetched from its own thread (WondeHttp without a rate limit only). */
  spec(): SourceSpec | null {
    const http = this.opts.http;
    if (!(http instanceof WondeHttp)) return null;
    const c = http.connection();
    if (c.limited) return null;
    const { http: _http, logger: _logger, ...options } = this.opts;
    return { type: 'wonde', http: { baseUrl: c.baseUrl, token: c.token, timeoutMs: c.timeoutMs }, options };
  }

  async read(ctx: SourceContext) {
    const o = this.opts;
    const base = `schools/${encodeURIComponent(o.schoolId)}`;
    const include = ['year', 'groups', ...(o.contacts ? ['contacts.contact_details'] : [])].join(',');
    const records: RosterRecord[] = [];
    const issues: RosterIssue[] = [];
    let pages = 0;
    // A student's "line" is its place in the MIS list (warnings about a kept student add none).
    let position = 0;
    for await (const { data: page, next } of this.pages(`${base}/students`, { include, per_page: o.perPage }, ctx)) {
      const from = records.length;
      for (const s of page) {
        const r = wondeStudentToRecord(s, ++position, o, issues);
        if ('student' in r) records.push(r);
        else issues.push(r);
      }
      pages++;
      ctx.progress({ phase: 'reading', done: position, total: null, message: `Read ${records.length} students from the MIS (page ${pages})` });
      // The next page is already asked for (pages()): the import writes new students until it is in.
      if (ctx.onPage) await ctx.onPage(records.slice(from), next);
    }
    if (o.photos) await this.addPhotos(base, records, ctx);
    return { records, issues, label: 'MIS (Wonde)' };
  }

  /** Photos are optional: a failure here keeps the roster and says so. */
  private async addPhotos(base: string, records: RosterRecord[], ctx: SourceContext): Promise<void> {
    const byId = new Map(records.map((r) => [r.student.id, r]));
    try {
      for await (const { data: page } of this.pages(`${base}/photos`, { per_page: this.opts.perPage }, ctx)) {
        for (const p of page) {
          const owner = str(p.student_id) ?? str(p.person_id) ?? str(obj(unwrap(p.student))?.id) ?? str(p.id);
          const r = owner ? byId.get(owner) : undefined;
          if (!r) continue;
          const content = str(p.content);
          const photo = content ? (content.startsWith('data:') ? content : `data:image/jpeg;base64,${content}`) : str(p.url);
          if (photo && photo.length <= 2_000_000) {
            r.student = { ...r.student, photo };
            r.photoGiven = true;
          }
        }
      }
    } catch (e) {
      this.opts.logger?.warn('roster: photos not read', { error: (e as Error).message });
    }
  }

  /**
   * Pages of a Wonde list, each with the next page's fetch (null after the last page); a transient
   * failure is retried so one bad page does not lose the night.
   */
  private async *pages(path: string, params: Record<string, string | number>, ctx: SourceContext): AsyncGenerator<{ data: Obj[]; next: Promise<unknown> | null }> {
    if (ctx.signal?.aborted) throw new RosterError('source_failed', 'The import was stopped.');
    // The next page is asked for as soon as this one's `next` link is known, so the MIS (or the
    // network) works on it while this page is parsed and converted (issue 16): read from the end
    // of the page's text (peekNextLink) where it can be, else once the page is parsed. Measured
    // against the fake Wonde here (250 pages of 200 students, 163 KB each): parsing a page takes
    // ~2.2 ms, the fake ~4–5 ms to serve the next. A failure of the page ahead surfaces when the
    // loop comes to it, as before.
    let url = path;
    let query: Record<string, string | number> | undefined = params;
    let pending: Promise<string> | null = this.withRetry(() => this.opts.http.getText(path, params));
    while (pending) {
      const text: string = await pending;
      if (ctx.signal?.aborted) throw new RosterError('source_failed', 'The import was stopped.');
      const ask = (next: string | null) => {
        const offHost = next !== null && new URL(next, this.opts.origin).origin !== this.opts.origin;
        if (offHost) throw new RosterError('source_failed', `Wonde pointed the next page at another host (${new URL(next, this.opts.origin).host}); the import stopped.`);
        const ahead = next ? this.withRetry(() => this.opts.http.getText(next)) : null;
        ahead?.catch(() => undefined); // handled where it is awaited; never "unhandled" meanwhile
        return ahead;
      };
      const hint = peekNextLink(text);
      let ahead: Promise<string> | null = null;
      if (hint !== undefined) {
        ahead = ask(hint);
        // Let the request go out (axios's steps are promise callbacks) before this thread parses.
        await new Promise<void>((r) => setImmediate(r));
      }
      const page = await this.parsed(text, url, query);
      const next = nextOf(page);
      // Not asked for yet, or (it cannot happen: the link was read from this very text) asked for
      // another page than the parsed page names: the page's own link counts.
      if (hint === undefined || next !== hint) ahead = ask(next);
      pending = ahead;
      if (next) [url, query] = [next, undefined];
      yield { data: (page.data ?? []).map(obj).filter(Boolean) as Obj[], next: pending };
    }
  }

  /**
   * A page's text parsed as a Wonde list. Anything else (cut short, an HTML error page with a 200)
   * is a transient failure, as WondeHttp's own lists treat it: the page is asked for again.
   */
  private async parsed(text: string, url: string, query?: Record<string, string | number>): Promise<WondePage<Obj>> {
    const parse = (t: string) => {
      let body: unknown;
      try {
        body = JSON.parse(t);
      } catch {
        throw new MisError('server_error', `Wonde answered a roster page with something that is not JSON (${t.trimStart().startsWith('<') ? 'a web page: a proxy or a network sign-in page?' : 'cut short?'})`);
      }
      return listPage<Obj>(body, url);
    };
    try {
      return parse(text);
    } catch (e) {
      if (!isMisError(e)) throw e;
      // That answer was the page's first try: the retries are the usual ones, with their waits.
      this.opts.logger?.warn('roster: MIS page failed, retrying', { attempt: 1, kind: e.kind });
      await new Promise((r) => setTimeout(r, this.opts.backoffMs ?? 1000));
      return this.withRetry(async () => parse(await this.opts.http.getText(url, query)), 2);
    }
  }

  private async withRetry<T>(get: () => Promise<T>, firstAttempt = 1): Promise<T> {
    const attempts = this.opts.attempts ?? 4;
    for (let i = firstAttempt; ; i++) {
      try {
        return await get();
      } catch (e) {
        const err = isMisError(e) ? e : new MisError('network', (e as Error).message);
        if (!err.transient || err.kind === 'auth' || i >= attempts) {
          throw new RosterError('source_failed', `The roster could not be read from the MIS: ${err.message}`);
        }
        const wait = err.details.retryAfterMs ?? (this.opts.backoffMs ?? 1000) * 2 ** (i - 1);
        this.opts.logger?.warn('roster: MIS page failed, retrying', { attempt: i, kind: err.kind });
        await new Promise((r) => setTimeout(r, Math.min(wait, 30_000)));
      }
    }
  }
}

/** The Wonde roster source for the school the MIS connection names, with its saved token. */
export function wondeRosterSource(
  settings: WondeSettings,
  secrets: SecretStore,
  logger: Logger,
  options: Pick<WondeRosterOptions, 'photos' | 'contacts' | 'badgeFrom' | 'perPage'> & { baseUrl?: string },
): WondeRosterSource {
  const baseUrl = options.baseUrl ?? `${settings.protocol}://${settings.domain}/v1.0/`;
  // One request at a time, already; the nightly pull must not wait on the writeback's bucket.
  const http = new WondeHttp({ baseUrl, token: () => secrets.get(secretKeys.wondeToken), limiter: unlimited, logger, timeoutMs: 30_000 });
  return new WondeRosterSource({ http, schoolId: settings.schoolId, origin: new URL(baseUrl).origin, logger, ...options });
}
