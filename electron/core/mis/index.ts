// Picks the connector for the school's configured MIS. Another connector is one line in
// `factories` (see README.md in this folder).
import type { MisSettings } from '../../../shared/mis';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../security/secrets';
import type { MisConnector } from './types';
import path from 'node:path';
import type { SiteSettings } from '../../../shared/settings';
import { sessionOfTime } from '../../../shared/school-time';
import { WondeConnector } from './wonde/connector';
import { PowerschoolConnector } from './powerschool/connector';
import { EdfiConnector } from './edfi/connector';
import { FileExportConnector } from './fileexport/connector';

export type { MisConnector, Capabilities } from './types';
export { MisError } from './errors';

/** What some connectors need of the kiosk beyond their own settings. */
export interface ConnectorContext {
  dataDir: string;
  /** Electron's build of better-sqlite3 (the file export keeps a ledger database). */
  nativeBinding?: string;
  site: () => SiteSettings;
  studentName: (misId: string) => { forename: string; surname: string } | null;
}

type Factory<S> = (settings: S, secrets: SecretStore, logger: Logger, ctx: ConnectorContext) => MisConnector;
type FactoryMap = { [K in MisSettings['connector']]?: Factory<Extract<MisSettings, { connector: K }>> };

/** The session a local "HH:MM" falls in by the site's AM/PM times (after the PM session: PM). */
const siteSessionAt = (ctx: ConnectorContext) => (localTime: string) => sessionOfTime(localTime, ctx.site().rules);

const factories: FactoryMap = {
  wonde: (settings, secrets, logger) => new WondeConnector({ settings, secrets, logger }),
  powerschool: (settings, secrets, logger, ctx) =>
    new PowerschoolConnector({
      settings,
      secrets,
      logger,
      bellSchedule: () => ctx.site().bellSchedule,
      timeZone: () => ctx.site().timeZone,
      sessionAt: siteSessionAt(ctx),
    }),
  edfi: (settings, secrets, logger, ctx) => new EdfiConnector({ settings, secrets, logger, sessionAt: siteSessionAt(ctx) }),
  file: (settings, secrets, logger, ctx) => {
    const c = new FileExportConnector({
      settings,
      secrets,
      logger,
      ledgerFile: path.join(ctx.dataDir, 'file-export.sqlite'),
      nativeBinding: ctx.nativeBinding,
      timeZone: ctx.site().timeZone,
      bellSchedule: () => ctx.site().bellSchedule,
      studentName: ctx.studentName,
    });
    c.start();
    return c;
  },
};

const LABELS: Record<MisSettings['connector'], string> = {
  none: 'No MIS',
  wonde: 'Wonde',
  powerschool: 'PowerSchool',
  edfi: 'Ed-Fi',
  file: 'File export',
};

export class ConnectorUnavailableError extends Error {
  constructor(readonly connector: MisSettings['connector']) {
    super(`The ${LABELS[connector]} connector is not available in this version of Passdesk.`);
    this.name = 'ConnectorUnavailableError';
  }
}

/** The connector for the configured MIS, or null when writeback is off ('none'). */
export function createConnector(settings: MisSettings, secrets: SecretStore, logger: Logger, ctx?: ConnectorContext): MisConnector | null {
  if (settings.connector === 'none') return null;
  const factory = factories[settings.connector] as Factory<MisSettings> | undefined;
  if (!factory) throw new ConnectorUnavailableError(settings.connector);
  const context: ConnectorContext = ctx ?? {
    dataDir: process.cwd(),
    site: () => {
      throw new ConnectorUnavailableError(settings.connector);
    },
    studentName: () => null,
  };
  return factory(settings, secrets, logger, context);
}
