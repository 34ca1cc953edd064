// Picks the connector for the school's configured MIS. Another connector is one line in
// `factories` (see README.md in this folder).
import type { MisSettings } from '../../../shared/mis';
import type { Logger } from '../log';
import type { SecretStore } from '../security/secrets';
import type { MisConnector } from './types';
import { WondeConnector } from './wonde/connector';

export type { MisConnector, Capabilities } from './types';
export { MisError } from './errors';

type Factory<S> = (settings: S, secrets: SecretStore, logger: Logger) => MisConnector;
type FactoryMap = { [K in MisSettings['connector']]?: Factory<Extract<MisSettings, { connector: K }>> };

const factories: FactoryMap = {
  wonde: (settings, secrets, logger) => new WondeConnector({ settings, secrets, logger }),
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
export function createConnector(settings: MisSettings, secrets: SecretStore, logger: Logger): MisConnector | null {
  if (settings.connector === 'none') return null;
  const factory = factories[settings.connector] as Factory<MisSettings> | undefined;
  if (!factory) throw new ConnectorUnavailableError(settings.connector);
  return factory(settings, secrets, logger);
}
