// PowerSchool's schema table reads (/ws/schema/table/{table}): FIQL `q`, a projection, and pages.
// Every value comes back as a string inside {record:[{tables:{<table>:{…}}}]}; field names are
// lower-case. The reads Passdesk needs: attendance codes, the attendance a student holds, the
// periods of a school year, and students.
import type { OAuthHttp } from './oauth-http';

export type SchemaRow = Record<string, string>;

interface SchemaAnswer {
  name?: string;
  record?: { id?: unknown; name?: string; tables?: Record<string, Record<string, unknown>> }[];
}

/** PowerSchool caps a page; 1000 rows keeps a code list or a day's marks to one request. */
export const SCHEMA_PAGE_SIZE = 1000;

/** All rows of a schema table query, following pages until a short one. */
export async function readTable(http: OAuthHttp, table: string, q: string, projection: readonly string[], maxPages = 50): Promise<SchemaRow[]> {
  const rows: SchemaRow[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const res = await http.get<SchemaAnswer>(`/ws/schema/table/${table}`, { q, projection: projection.join(','), page, pagesize: SCHEMA_PAGE_SIZE });
    const records = res.data?.record ?? [];
    for (const r of records) rows.push(flatten(r.tables?.[table] ?? r.tables?.[table.toUpperCase()] ?? {}));
    if (records.length < SCHEMA_PAGE_SIZE) break;
  }
  return rows;
}

/** One page, for the roster (the cursor is the page number). */
export async function readTablePage(http: OAuthHttp, table: string, q: string, projection: readonly string[], page: number, pageSize: number): Promise<{ rows: SchemaRow[]; more: boolean }> {
  const res = await http.get<SchemaAnswer>(`/ws/schema/table/${table}`, { q, projection: projection.join(','), page, pagesize: pageSize });
  const records = res.data?.record ?? [];
  return { rows: records.map((r) => flatten(r.tables?.[table] ?? {})), more: records.length === pageSize };
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
