// What the rest of the kiosk uses of roster/: the service, and the factory that turns the saved
// roster settings into a source (the Wonde one needs the MIS connection and its token).
import type { MisSettings } from '../../../shared/mis';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../security/secrets';
import type { RosterSourceConfig } from './config';
import { RosterError, type RosterSource } from './model';
import { csvFileSource, oneRosterFolderSource } from './sources/files';
import { wondeRosterSource } from './sources/wonde';
import type { RosterStore } from '../db/roster-store';

export { RosterService, type ImportOptions, type RosterServiceOptions } from './service';
export { RosterError, type ImportProgress, type RosterIssue, type RosterSource } from './model';
export { rosterConfig, type RosterConfig } from './config';
export type { ImportRun, PendingRollover } from '../db/roster-store';
export { parseRosterCsv, suggestMapping, columnMapping, type ColumnMapping } from './csv';
export { csvFileSource, csvTextSource, oneRosterFolderSource, connectorRosterSource } from './sources/files';

export interface SourceFactoryDeps {
  /** The MIS connection in force (null: none set up). */
  mis: () => MisSettings | null;
  secrets: SecretStore;
  logger: Logger;
}

/** For RosterServiceOptions.sourceFor: the configured source, or a RosterError saying what is missing. */
export function rosterSourceFactory(deps: SourceFactoryDeps): (config: RosterSourceConfig, store: RosterStore) => RosterSource {
  return (config, store) => {
    switch (config.kind) {
      case 'wonde': {
        const mis = deps.mis();
        if (!mis || mis.connector !== 'wonde') {
          throw new RosterError('no_source', 'The roster is set to come from the MIS through Wonde, but the MIS connection is not Wonde. Set it up in Admin → MIS connection.');
        }
        return wondeRosterSource(mis, deps.secrets, deps.logger, config);
      }
      case 'csv': {
        const mapping = config.mapping ? store.mapping(config.mapping) : undefined;
        if (mapping === null) throw new RosterError('mapping_invalid', `The saved column mapping "${config.mapping}" no longer exists. Choose or save a mapping in Admin → Roster.`);
        return csvFileSource(config.path, mapping);
      }
      case 'oneroster':
        return oneRosterFolderSource(config.path, config.schoolSourcedId);
    }
  };
}
