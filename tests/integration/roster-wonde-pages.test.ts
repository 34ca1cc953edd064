// Issue 16: the Wonde roster asks for the next page before it parses the one it has, reading the
// `next` link from the page's end (peekNextLink). Wonde's member order is not documented, so the
// fake serves data first, meta first and indented pages, and the roster read must be the same from
// each, with one request per page. A page that is not JSON (a proxy's HTML page with a 200) is
// asked for again, never read as an empty page (its students would become leavers).
import { afterEach, describe, expect, it } from 'vitest';
import { generatedRoster, startFakeWondeRoster, type Fault } from '../fakes/wonde-roster/server';
import { peekNextLink, WondeRosterSource } from '../../electron/core/roster/sources/wonde';
import { WondeHttp } from '../../electron/core/mis/wonde/http';
import { unlimited } from '../../electron/core/mis/rate-limit';
import { silentLogger } from '../../electron/core/logging/logger';
import type { RosterRecord } from '../../electron/core/roster/model';

const disposers: (() => unknown)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

async function readAll(pageShape: 'data-first' | 'meta-first' | 'pretty', faults: Fault[] = [], count = 95) {
  const fake = await startFakeWondeRoster({ students: generatedRoster(count), idleMs: 20_000, pageShape, faults });
  disposers.push(() => fake.close());
  const source = new WondeRosterSource({
    http: new WondeHttp({ baseUrl: fake.baseUrl, token: () => fake.token, limiter: unlimited, logger: silentLogger, timeoutMs: 10_000 }),
    schoolId: fake.schoolId,
    origin: fake.origin,
    photos: false,
    contacts: true,
    badgeFrom: 'mis_id',
    perPage: 10,
    backoffMs: 5,
  });
  const pages: string[][] = [];
  const result = await source.read({
    progress: () => undefined,
    onPage: async (records: RosterRecord[]) => void pages.push(records.map((r) => r.student.id)),
  });
  return { result, pages, requests: fake.requests.students };
}

describe('reading the next link from the end of a Wonde page', () => {
  const page = (next: string | null) => JSON.stringify({ data: [{ id: 'S1', meta: { note: 'a student with a meta key' } }], meta: { pagination: { next, more: next !== null } } });

  it('finds the link (or the last page\'s null) where meta closes the page, however it is laid out', () => {
    expect(peekNextLink(page('https://api.wonde.com/v1.0/schools/A1/students?page=2'))).toBe('https://api.wonde.com/v1.0/schools/A1/students?page=2');
    expect(peekNextLink(page(null))).toBeNull();
    expect(peekNextLink(JSON.stringify(JSON.parse(page('u2')), null, 2))).toBe('u2');
    expect(peekNextLink(`${page('u3')}\n`)).toBe('u3');
  });

  it('cannot tell (the page is parsed first) where meta comes first, is cut short or has no pagination', () => {
    // A student's own "meta" is then the last one in the text: what follows it is not the page's end.
    expect(peekNextLink(JSON.stringify({ meta: { pagination: { next: 'u2' } }, data: [{ id: 'S1', meta: { pagination: { next: 'wrong' } } }] }))).toBeUndefined();
    expect(peekNextLink(page('u2').slice(0, -40))).toBeUndefined();
    expect(peekNextLink(JSON.stringify({ data: [], meta: { total: 3 } }))).toBeUndefined();
    expect(peekNextLink(JSON.stringify({ data: [], meta: { pagination: { next: 7 } } }))).toBeUndefined();
    expect(peekNextLink('<html><body>Sign in</body></html>')).toBeUndefined();
    expect(peekNextLink('')).toBeUndefined();
  });
});

describe('the Wonde roster, page by page', () => {
  it('reads the same students from pages with data first, meta first or indented, asking once per page', async () => {
    const shapes = ['data-first', 'meta-first', 'pretty'] as const;
    const reads = await Promise.all(shapes.map((s) => readAll(s)));
    for (const r of reads) {
      expect(r.requests).toBe(10);
      expect(r.pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
      expect(r.result.records).toEqual(reads[0]!.result.records);
      expect(r.result.issues).toEqual([]);
    }
    expect(new Set(reads[0]!.result.records.map((r) => r.student.id)).size).toBe(95);
  });

  it('asks again for a page that came back as an HTML page, and reads every student', async () => {
    for (const shape of ['data-first', 'meta-first'] as const) {
      const { result, requests } = await readAll(shape, [{ path: 'students', page: 3, status: 200, times: 2, html: true }]);
      expect(result.records).toHaveLength(95);
      expect(requests).toBe(12);
    }
  });

  it('fails the import, reading nothing as empty, when a page never comes back as JSON', async () => {
    await expect(readAll('data-first', [{ path: 'students', page: 4, status: 200, times: Infinity, html: true }])).rejects.toThrow(
      /could not be read from the MIS: Wonde answered a roster page with something that is not JSON \(a web page: a proxy or a network sign-in page\?\)/,
    );
  });
});
