// A fake Wonde roster on 127.0.0.1: GET /v1.0/schools/{id}/students (and /photos), paginated the
// way Wonde is ({"data":[…],"meta":{"pagination":{"next":URL|null,"previous","more","per_page",
// "current_page"}}}), bearer auth, includes (year, groups, contacts.contact_details), and faults
// (a page failing with 500 or 429 a few times). Students are generated on the fly, so 50,000 of
// them cost nothing until asked for. It stops by itself after `idleMs` without a request.
// Year codes: a student's year may be the MIS's own code ("Year R", "Girls Reception", "N1",
// "Nursery", "Year N2", "40"), codes real Wonde schools carry (issue 13); the year include's shape
// is UNCONFIRMED (reference/mis-apis.md), so it is served as {code,name} or {name} (`yearShape`).
// Contacts (issue 17): a contact is {id, forename, surname, relationship, contact_details:{data:{
// emails:{email,…}, telephones|phones:{mobile,…}}}}. Wonde's own contact sample, as quoted on
// Schoolzine's knowledge base (https://www.schoolzineplus.com/newsletter/article/302), shows the
// details' phones under `phones` and `relationship` as an object ({bill_payer, lives_with_pupil,
// email_bills, …}); Schoolzine's Wonde guide (https://schoolzine.com/wonde-integration-guide) names
// "Parental Responsibility" and "Relationship types" as what a Wonde sync filters on. The keys
// `parental_responsibility` and `priority` (and the relationship's own name) are the ones UK school
// data APIs use for the same thing (Assembly: equinlimited/assembly-client-dotnet
// docs/ContactRelationship.md, assembly-edu/assembly-client-php
// docs/Model/StudentContactRelationship.md: relationship_type, priority, parental_responsibility).
// Where Wonde puts them is UNCONFIRMED, so the fake serves `contactShape` 'nested'
// ({relationship:{data:{relationship, parental_responsibility, priority, bill_payer,
// lives_with_pupil}}}, telephones), 'bare' (the same object without {data}), or 'flat'
// (relationship a string, parental_responsibility and priority on the contact, phones), and the
// connector is tested against all three (tests/integration/roster-contacts.test.ts).
// The order of a list page's members: the reference (reference/mis-apis.md) and every public sample
// we found show `data` before `meta`, but no public source says the order is fixed; the roster import
// reads the `next` link from the page's end where it can (roster/sources/wonde.ts peekNextLink), so
// the fake serves `pageShape` 'data-first' (default), 'meta-first' and 'pretty' (indented, data
// first), and the import is tested against all three (tests/integration/roster-wonde-pages.test.ts).
// Fault `html`: a 200 whose body is an HTML page (a captive portal or proxy login page), not JSON.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeStudentJson {
  id: string;
  upi: string;
  mis_id: string;
  forename: string;
  surname: string;
  legal_forename: string;
  legal_surname: string;
  /**
   * A number is served as {code:"9", name:"Year 9"}; a string is the MIS's own year code served
   * as given in both code and name ("Year R", "Girls Reception", "N1", "Nursery", "Year N2", or an
   * out-of-range "40"): codes real Wonde schools carry (issue 13). How the year include is shaped
   * is UNCONFIRMED (reference/mis-apis.md), so the connector reads code, name and description.
   */
  year: number | string | null;
  form: string | null;
  /** Extra groups (house, "Sixth Form"…), beside the registration group made from `form`. */
  groups: string[];
  parent: { forename: string; surname: string; phone: string; email: string } | null;
  photo: boolean;
  /** Issue 17: more contacts, beside `parent` (which is served first, as "Parent", priority 1). */
  contacts?: FakeContactJson[];
}

/** A contact as the fake knows it; `contactShape` decides how it goes on the wire. */
export interface FakeContactJson {
  forename: string;
  surname: string;
  relationship: string;
  parentalResponsibility: boolean | null;
  priority: number | null;
  phone: string | null;
  email: string | null;
}

export type ContactShape = 'nested' | 'bare' | 'flat';

export interface Fault {
  path: 'students' | 'photos';
  page: number;
  status: number;
  /** How many requests of that page fail before it answers; Infinity: always. */
  times: number;
  retryAfter?: string;
  /** With status 200: the body is an HTML page (a proxy's or captive portal's), not JSON. */
  html?: boolean;
}

export interface FakeWondeRosterOptions {
  schoolId?: string;
  token?: string;
  /** The roster; a function is called with the index for each of `count` students. */
  students: FakeStudentJson[] | { count: number; make: (i: number) => FakeStudentJson | null };
  /** Largest per_page the fake honours (Wonde's own limit is unconfirmed). */
  maxPerPage?: number;
  faults?: Fault[];
  idleMs?: number;
  /** Called when the fake stops itself for lack of requests. */
  onIdleStop?: () => void;
  /** Shape of the year include: {code:"9"} or {name:"Year 9"}. */
  yearShape?: 'code' | 'name';
  /** Issue 17: where a contact's relationship, parental responsibility and priority sit (UNCONFIRMED). */
  contactShape?: ContactShape;
  /**
   * Each answer held this long, as from a MIS across the internet (the fake on 127.0.0.1 answers
   * in milliseconds). A network condition, not a wire fact: no source to name.
   */
  latencyMs?: number;
  /** Order and layout of a list page's members (see the header): UNCONFIRMED, so each is served. */
  pageShape?: 'data-first' | 'meta-first' | 'pretty';
}

const FORENAMES = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Leo', 'Freya', 'Oscar', 'Aarav', 'Maja', 'Zara', 'Kofi'];
const SURNAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Novak', 'Hughes', 'Khan', 'Evans', 'Okafor'];
const HOUSES = ['Red House', 'Blue House', 'Green House', 'Gold House'];

/**
 * Student i of a generated school. `yearShift` 1 is the same school a year later (roll-over):
 * everyone moved up, year 13 has left, and a new year 7 (ids starting N) has joined.
 */
export function generatedStudent(i: number, count: number, yearShift = 0): FakeStudentJson | null {
  const joiners = Math.ceil(count / 7);
  if (yearShift > 0 && i >= count) {
    const j = i - count;
    if (j >= joiners * yearShift) return null;
    return makeStudent(`N${String(j).padStart(6, '0')}`, 900000 + j, 7 + Math.floor(j / joiners), j);
  }
  if (i >= count) return null;
  const year = 7 + (i % 7) + yearShift;
  if (year > 13) return null;
  return makeStudent(`S${String(i).padStart(6, '0')}`, 200000 + i, year, i);
}

/** A generated school of `count` students, `yearShift` years on (see generatedStudent). */
export function generatedRoster(count: number, yearShift = 0): { count: number; make: (i: number) => FakeStudentJson | null } {
  return { count: count + Math.ceil(count / 7) * yearShift, make: (i) => generatedStudent(i, count, yearShift) };
}

function makeStudent(id: string, misId: number, year: number, i: number): FakeStudentJson {
  const forename = FORENAMES[i % FORENAMES.length]!;
  const surname = SURNAMES[Math.floor(i / FORENAMES.length) % SURNAMES.length]!;
  return {
    id,
    upi: `UPI${id}`,
    mis_id: String(misId),
    forename,
    surname,
    legal_forename: forename,
    legal_surname: surname,
    year,
    form: `${year}${'ABCDEFGH'[Math.floor(i / 7) % 8]}`,
    groups: [HOUSES[i % HOUSES.length]!, ...(year >= 12 ? ['Sixth Form'] : [])],
    parent: { forename: 'Parent', surname, phone: `07700 ${String(900000 + (i % 100000)).slice(-6)}`, email: `parent${i}@example.org` },
    photo: i % 10 === 0,
  };
}

/** A small valid JPEG-ish payload: the kiosk only stores it. */
const PHOTO = Buffer.from('fake-photo-bytes').toString('base64');

function wireContact(id: string, c: FakeContactJson, shape: ContactShape): Record<string, unknown> {
  const rel = { relationship: c.relationship, parental_responsibility: c.parentalResponsibility, priority: c.priority, bill_payer: null, lives_with_pupil: null };
  const phoneKey = shape === 'flat' ? 'phones' : 'telephones';
  const base = {
    id,
    forename: c.forename,
    surname: c.surname,
    contact_details: { data: { emails: { email: c.email }, [phoneKey]: { mobile: c.phone } } },
  };
  if (shape === 'flat') return { ...base, relationship: c.relationship, parental_responsibility: c.parentalResponsibility, priority: c.priority };
  return { ...base, relationship: shape === 'nested' ? { data: rel } : rel };
}

function wire(s: FakeStudentJson, include: Set<string>, yearShape: 'code' | 'name', contactShape: ContactShape = 'nested'): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: s.id,
    upi: s.upi,
    mis_id: s.mis_id,
    initials: `${s.forename[0]}${s.surname[0]}`,
    surname: s.surname,
    forename: s.forename,
    middle_names: null,
    legal_surname: s.legal_surname,
    legal_forename: s.legal_forename,
    gender: null,
    created_at: { date: '2025-09-01 08:00:00.000000', timezone_type: 3, timezone: 'Europe/London' },
  };
  if (include.has('year')) {
    out.year = {
      data:
        s.year === null
          ? null
          : typeof s.year === 'string'
            ? yearShape === 'code'
              ? { id: `Y-${s.year}`, code: s.year, name: s.year }
              : { id: `Y-${s.year}`, name: s.year }
            : yearShape === 'code'
              ? { id: `Y${s.year}`, code: String(s.year), name: `Year ${s.year}` }
              : { id: `Y${s.year}`, name: `Year ${s.year}` },
    };
  }
  if (include.has('groups')) {
    out.groups = {
      data: [
        ...(s.form ? [{ id: `G-${s.form}`, name: s.form, type: 'REGISTRATION' }] : []),
        ...s.groups.map((g) => ({ id: `G-${g}`, name: g, type: g.endsWith('House') ? 'HOUSE' : 'OTHER' })),
      ],
    };
  }
  if (include.has('contacts') || include.has('contacts.contact_details')) {
    const all: FakeContactJson[] = [
      ...(s.parent ? [{ ...s.parent, relationship: 'Parent', parentalResponsibility: true, priority: 1 }] : []),
      ...(s.contacts ?? []),
    ];
    out.contacts = { data: all.map((c, i) => wireContact(`C-${s.id}-${i}`, c, contactShape)) };
  }
  return out;
}

export interface FakeWondeRoster {
  baseUrl: string;
  origin: string;
  schoolId: string;
  token: string;
  /** Requests served, by path kind, for assertions about paging. */
  requests: { students: number; photos: number; unauthorised: number };
  setStudents(students: FakeWondeRosterOptions['students']): void;
  setFaults(faults: Fault[]): void;
  close(): Promise<void>;
}

export async function startFakeWondeRoster(options: FakeWondeRosterOptions): Promise<FakeWondeRoster> {
  const schoolId = options.schoolId ?? 'A1930499544';
  const token = options.token ?? 'roster-test-token';
  const maxPerPage = options.maxPerPage ?? 200;
  const idleMs = options.idleMs ?? 30_000;
  let students = options.students;
  let faults = [...(options.faults ?? [])];
  const requests = { students: 0, photos: 0, unauthorised: 0 };

  // The list as it is now: materialised once per change so pages stay consistent while paging.
  let cache: FakeStudentJson[] | null = null;
  const roster = (): FakeStudentJson[] => {
    if (cache) return cache;
    if (Array.isArray(students)) return (cache = students);
    const out: FakeStudentJson[] = [];
    for (let i = 0; i < students.count; i++) {
      const s = students.make(i);
      if (s) out.push(s);
    }
    return (cache = out);
  };

  /** Answers held back by `latencyMs`, dropped on close. */
  const held = new Set<ReturnType<typeof setTimeout>>();
  const server = http.createServer((req, res) => {
    idle.refresh();
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}, html = false) => {
      const text = html ? '<!doctype html><html><body><form action="/login">Sign in to the network</form></body></html>' : JSON.stringify(body, null, options.pageShape === 'pretty' ? 2 : undefined);
      const answer = () => {
        res.writeHead(status, { 'Content-Type': html ? 'text/html' : 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
        res.end(text);
      };
      if (!options.latencyMs) return answer();
      const t = setTimeout(() => {
        held.delete(t);
        answer();
      }, options.latencyMs);
      held.add(t);
    };
    if (req.headers.authorization !== `Bearer ${token}`) {
      requests.unauthorised++;
      return send(401, { error: 'invalid_token', error_description: 'The access token provided is invalid.' });
    }
    const m = /^\/v1\.0\/schools\/([^/]+)\/(students|photos)\/?$/.exec(url.pathname);
    if (!m || m[1] !== schoolId) return send(404, { error: 'Not found' });
    const kind = m[2] as 'students' | 'photos';
    requests[kind]++;
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const perPage = Math.min(maxPerPage, Math.max(1, Number(url.searchParams.get('per_page') ?? 50) || 50));
    const fault = faults.find((f) => f.path === kind && f.page === page && f.times > 0);
    if (fault) {
      fault.times--;
      return send(fault.status, { error: 'fault injected' }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}, fault.html);
    }
    const include = new Set((url.searchParams.get('include') ?? '').split(',').filter(Boolean));
    const all = kind === 'students' ? roster() : roster().filter((s) => s.photo);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const more = page * perPage < all.length;
    const link = (p: number) => {
      const u = new URL(url.href);
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      return u.href;
    };
    const data =
      kind === 'students'
        ? slice.map((s) => wire(s, include, options.yearShape ?? 'code', options.contactShape))
        : slice.map((s) => ({ id: `P-${s.id}`, student_id: s.id, content: PHOTO, updated_at: { date: '2025-09-01 08:00:00.000000' } }));
    const meta = { pagination: { next: more ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null, more, per_page: perPage, current_page: page } };
    send(200, options.pageShape === 'meta-first' ? { meta, data } : { data, meta });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(idle);
      for (const t of held) clearTimeout(t);
      held.clear();
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
  const idle = setTimeout(() => void close().then(() => options.onIdleStop?.()), idleMs);
  idle.unref();
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${origin}/v1.0/`,
    origin,
    schoolId,
    token,
    requests,
    setStudents(next) {
      students = next;
      cache = null;
    },
    setFaults(next) {
      faults = [...next];
    },
    close,
  };
}
