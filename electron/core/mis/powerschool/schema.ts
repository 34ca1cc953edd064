// PowerSchool's schema table reads (/ws/schema/table/{table}): FIQL `q`, a projection, and pages.
// Every value comes back inside {record:[{tables:{<table>:{…}}}]}; field names are lower-case.
// `pagesize` is capped at 100 and a larger one is answered with HTTP 400 (reference/mis-apis.md,
// CORRECTED), so every read pages at 100 until a short page (or the `/count`) says it is complete.
// A 400 on one of these reads is a fault in Passdesk's own request, never a permission problem:
// it is reported as such, with what PowerSchool said. An answer that is not a record list is a
// transient error, never "no rows" (a register misread as empty gets written over).
import { MisError } from '../errors';
import { messageOf, type OAuthHttp } from './oauth-http';

export type SchemaRow = Record<string, string>;

interface SchemaAnswer {
  name?: string;
  record?: { id?: unknown; name?: string; tables?: Record<string, Record<string, unknown>> }[];
}

/** PowerSchool's cap on `pagesize` for /ws/schema/table/* (a larger page is a 400). */
export const SCHEMA_PAGE_SIZE = 100;
/** A safety stop: 2,000 pages of 100 rows is far beyond any one school's table. */
const MAX_PAGES = 2000;

/** All rows of a schema table query, page by page at ≤100 until a short page. */
export async function readTable(http: OAuthHttp, table: string, q: string, projection: readonly string[], o: { pageSize?: number } = {}): Promise<SchemaRow[]> {
  const size = Math.min(o.pageSize ?? SCHEMA_PAGE_SIZE, SCHEMA_PAGE_SIZE);
  const rows: SchemaRow[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { rows: got } = await readTablePage(http, table, q, projection, page, size);
    rows.push(...got);
    if (got.length < size) return rows;
  }
  throw new MisError('server_error', `PowerSchool kept answering full pages of ${table} after ${MAX_PAGES} pages; the read was stopped.`);
}

/** One page (page from 1, at most 100 rows). `more` is true when the page was full. */
export async function readTablePage(http: OAuthHttp, table: string, q: string, projection: readonly string[], page: number, pageSize: number): Promise<{ rows: SchemaRow[]; more: boolean }> {
  const size = Math.min(pageSize, SCHEMA_PAGE_SIZE);
  const path = `/ws/schema/table/${table}`;
  const res = await http.get<SchemaAnswer>(path, { q, projection: projection.join(','), page, pagesize: size }, [400]);
  if (res.status === 400) throw ownRequestRefused(`GET ${path}`, res.data, { q, pagesize: size });
  const records = recordsOf(res.data, table);
  const rows = records.map((r) => flatten(r.tables?.[table] ?? r.tables?.[table.toUpperCase()] ?? {}));
  return { rows, more: rows.length === size };
}

/** GET /ws/schema/table/{table}/count → the number of rows the query matches. */
export async function countTable(http: OAuthHttp, table: string, q: string): Promise<number> {
  const path = `/ws/schema/table/${table}/count`;
  const res = await http.get<unknown>(path, { q }, [400]);
  if (res.status === 400) throw ownRequestRefused(`GET ${path}`, res.data, { q });
  // The named-query count answers {"count":n}; table counts are seen as {"count":n} or {"resource":{"count":n}}.
  const b = res.data as { count?: unknown; resource?: { count?: unknown } } | null;
  const raw = b && typeof b === 'object' ? (b.count ?? b.resource?.count) : undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new MisError('server_error', `PowerSchool answered the ${table} count with something Passdesk cannot read; it will try again.`, { body: res.data });
  return n;
}

/**
 * The record list of a table answer. Whether an answer with no rows carries `record: []` or
 * leaves `record` out is UNCONFIRMED, so both read as an empty page; anything that is not a JSON object (an HTML login page, a
 * proxy's error text) cannot be understood and is retried.
 */
function recordsOf(data: unknown, table: string): NonNullable<SchemaAnswer['record']> {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const rec = (data as SchemaAnswer).record;
    if (rec === undefined) return [];
    if (Array.isArray(rec)) return rec;
  }
  throw new MisError('server_error', `PowerSchool answered a read of ${table} with something that is not a record list; Passdesk will try again.`, { body: typeof data === 'string' ? data.slice(0, 300) : data });
}

/**
 * A 400 on a read is Passdesk's own request being refused (a page size, a field, a query
 * PowerSchool does not take). It is not the school's permission settings, and retrying the same
 * request will not help: the admin sends it to support.
 */
export function ownRequestRefused(what: string, body: unknown, params: Record<string, string | number>): MisError {
  const said = messageOf(body);
  return new MisError(
    'rejected',
    `PowerSchool refused the request: ${said || 'HTTP 400 Bad Request'} (${what}, ${Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}). This is not a permission problem: Passdesk asked for something this PowerSchool server does not accept. Send the support bundle to Passdesk support.`,
    { status: 400, body },
  );
}

function flatten(o: Record<string, unknown>): SchemaRow {
  const out: SchemaRow = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

/** A value safe inside a FIQL `==` term (PowerSchool ids and dates are plain; refuse the rest). */
export function fiql(value: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw new Error(`"${value}" cannot be used in a PowerSchool query.`);
  return value;
}
