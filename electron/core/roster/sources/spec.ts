// A roster source described as plain data, so that the import worker can build it on its own
// side (issue 16): the CSV is read and parsed, the Wonde pages fetched and converted, the
// OneRoster bundle unpacked, all off the main thread. A connector's roster pages (PowerSchool,
// Ed-Fi) are fetched by the main thread, whose connector holds the credentials and their
// refresh, and handed to the worker page by page: the conversion and everything after it run
// in the worker. A source with no description (a test's own) is read on the main thread and its
// records handed over.
import type { SourceSpec } from './spec-types';
import type { RosterPage } from '../../mis/types';
import type { Logger } from '../../logging/logger';
import { unlimited } from '../../mis/rate-limit';
import { WondeHttp } from '../../mis/wonde/http';
import type { SourceContext, SourceResult } from '../model';
import { csvFileSource, csvTextSource, oneRosterFolderSource, readConnectorPages } from './files';
import { WondeRosterSource } from './wonde';

export type { SourceSpec, DescribedSource } from './spec-types';
export { describes } from './spec-types';

/** What only the worker's side has: its pages channel to the main thread, the stored stage, a logger. */
export interface SpecRuntime {
  logger: Logger;
  /** The next connector roster page, fetched by the main thread. */
  page(cursor: string | null): Promise<RosterPage>;
  /** The staged new year's records (approving it). */
  pendingRollover(): SourceResult;
}

/** The worker's reader for a description. */
export function readerFor(spec: SourceSpec, rt: SpecRuntime): (ctx: SourceContext) => Promise<SourceResult> {
  switch (spec.type) {
    case 'csv-file':
      return (ctx) => csvFileSource(spec.file, spec.mapping).read(ctx);
    case 'csv-text':
      return (ctx) => csvTextSource(spec.text, spec.label, spec.mapping).read(ctx);
    case 'oneroster':
      return (ctx) => oneRosterFolderSource(spec.dir, spec.school).read(ctx);
    case 'wonde': {
      const http = new WondeHttp({ baseUrl: spec.http.baseUrl, token: () => spec.http.token, limiter: unlimited, logger: rt.logger, timeoutMs: spec.http.timeoutMs });
      return (ctx) => new WondeRosterSource({ ...spec.options, http, logger: rt.logger }).read(ctx);
    }
    case 'pages':
      return (ctx) => readConnectorPages(spec.name, (cursor) => rt.page(cursor), ctx);
    case 'pending-rollover':
      return async () => rt.pendingRollover();
    case 'result':
      return async () => spec.result;
  }
}
