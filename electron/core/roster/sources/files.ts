// Roster sources that are files the admin (or the SIS, on a schedule) puts on the kiosk: a CSV with
// a saved column mapping, a OneRoster bundle unpacked in a folder, and any MIS connector's plain
// roster pages (names and ids only) for an MIS without a richer roster source.
import fs from 'node:fs';
import path from 'node:path';
import type { MisConnector, RosterPage } from '../../mis/types';
import { decodeExport, parseMappedCsv, type ColumnMapping } from '../csv';
import { checkStudent, describeRowIssues, RosterError, type RosterIssue, type RosterRecord, type SourceContext, type SourceResult } from '../model';
import { parseOneRoster, readOneRosterFolder } from '../oneroster';
import type { DescribedSource } from './spec-types';

function readText(file: string): string {
  try {
    return decodeExport(fs.readFileSync(file));
  } catch (e) {
    throw new RosterError('source_unreadable', `The roster file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

export function csvTextSource(text: string, label: string, mapping?: ColumnMapping): DescribedSource {
  return {
    kind: 'csv',
    spec: () => ({ type: 'csv-text', text, label, mapping }),
    async read(ctx: SourceContext): Promise<SourceResult> {
      ctx.progress({ phase: 'reading', done: 0, total: null, message: `Reading ${label}` });
      const { records, issues } = parseMappedCsv(text, mapping);
      ctx.progress({ phase: 'reading', done: records.length + issues.length, total: records.length + issues.length, message: `Read ${records.length} students from ${label}` });
      return { records, issues, label };
    },
  };
}

export function csvFileSource(file: string, mapping?: ColumnMapping): DescribedSource {
  return {
    kind: 'csv',
    spec: () => ({ type: 'csv-file', file, mapping }),
    read: (ctx) => csvTextSource(readText(file), path.basename(file), mapping).read(ctx),
  };
}

export function oneRosterFolderSource(dir: string, schoolSourcedId: string | null = null): DescribedSource {
  return {
    kind: 'oneroster',
    spec: () => ({ type: 'oneroster', dir, school: schoolSourcedId }),
    async read(ctx: SourceContext): Promise<SourceResult> {
      ctx.progress({ phase: 'reading', done: 0, total: null, message: `Reading the OneRoster bundle in ${dir}` });
      const { records, issues, schoolName } = parseOneRoster(readOneRosterFolder(dir), { schoolSourcedId });
      ctx.progress({ phase: 'reading', done: records.length, total: records.length, message: `Read ${records.length} students` });
      return { records, issues, label: `OneRoster ${schoolName ? `(${schoolName}) ` : ''}${path.basename(dir)}` };
    },
  };
}

/** Any connector's roster pages: ids, names, year and form where the connector gives them; no badges. */
export function connectorRosterSource(connector: MisConnector): DescribedSource {
  return {
    kind: connector.name,
    spec: () => ({ type: 'pages', name: connector.name }),
    page: (cursor) => connector.fetchRosterPage(cursor),
    read: (ctx) => readConnectorPages(connector.name, (cursor) => connector.fetchRosterPage(cursor), ctx),
  };
}

/** Page after page from `fetchPage` (the connector, or the main thread for the import worker), each student validated. */
export async function readConnectorPages(name: string, fetchPage: (cursor: string | null) => Promise<RosterPage>, ctx: SourceContext): Promise<SourceResult> {
  const records: RosterRecord[] = [];
  const issues: RosterIssue[] = [];
  const fetch = (cursor: string | null): Promise<RosterPage> =>
    fetchPage(cursor).catch((e: Error) => {
      throw new RosterError('source_failed', `The roster could not be read from the MIS: ${e.message}`);
    });
  if (ctx.signal?.aborted) throw new RosterError('source_failed', 'The import was stopped.');
  let ahead: Promise<RosterPage> | null = fetch(null);
  ahead.catch(() => undefined); // handled where it is awaited; never "unhandled" meanwhile
  while (ahead) {
    if (ctx.signal?.aborted) throw new RosterError('source_failed', 'The import was stopped.');
    const page: RosterPage = await ahead;
    // The next page is asked for before this one is converted and written (issue 16); a failure
    // of it surfaces when the loop comes to it.
    ahead = page.next ? fetch(page.next) : null;
    ahead?.catch(() => undefined);
    const from = records.length;
    for (const s of page.students) {
      const line = records.length + issues.length + 1;
      const parsed = checkStudent({ id: s.misId, misId: s.misId, forename: s.forename, surname: s.surname, year: s.year, form: s.form });
      if (parsed.success) records.push({ line, student: parsed.data, groupName: null, badgeGiven: false, photoGiven: false });
      else issues.push({ line, severity: 'error', studentId: s.misId, message: `MIS student ${s.misId}: ${describeRowIssues(parsed.error)}` });
    }
    ctx.progress({ phase: 'reading', done: records.length + issues.length, total: null, message: `Read ${records.length} students from the MIS` });
    if (ctx.onPage) await ctx.onPage(records.slice(from), ahead);
  }
  return { records, issues, label: `MIS (${name})` };
}
