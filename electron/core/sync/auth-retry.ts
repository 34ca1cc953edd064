// A 401 that a credential refresh can cure is not a failure: refresh once (Wonde: re-read the
// token the admin pasted; PowerSchool: a new OAuth token) and repeat the call. Concurrent calls
// that all met the same 401 share one refresh, and retry if any refresh happened meanwhile.
import type { MisConnector } from '../mis/types';
import { isMisError } from '../mis/errors';

export function withAuthRetry(connector: MisConnector): MisConnector {
  let generation = 0;
  let refreshing: Promise<boolean> | null = null;

  const refresh = async (seen: number): Promise<boolean> => {
    if (generation !== seen) return true;
    refreshing ??= connector
      .refreshAuth()
      .catch(() => false)
      .then((changed) => {
        if (changed) generation += 1;
        refreshing = null;
        return changed;
      });
    return refreshing;
  };

  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const seen = generation;
      try {
        return await fn(...args);
      } catch (e) {
        if (isMisError(e) && e.kind === 'auth' && (await refresh(seen))) return fn(...args);
        throw e;
      }
    };

  return {
    name: connector.name,
    capabilities: wrap(() => connector.capabilities()),
    fetchAttendanceCodes: wrap(() => connector.fetchAttendanceCodes()),
    readMarks: wrap((q) => connector.readMarks(q)),
    // Optional: kept absent when the connector has none, so the engine falls back to readMarks.
    ...(connector.readRegister ? { readRegister: wrap((q: Parameters<NonNullable<MisConnector['readRegister']>>[0]) => connector.readRegister!(q)) } : {}),
    writeSessionMarks: wrap((m) => connector.writeSessionMarks(m)),
    writeLessonMarks: wrap((m) => connector.writeLessonMarks(m)),
    listLessons: wrap((q) => connector.listLessons(q)),
    fetchRosterPage: wrap((c) => connector.fetchRosterPage(c)),
    ping: wrap(() => connector.ping()),
    refreshAuth: () => connector.refreshAuth(),
    close: () => connector.close?.() ?? Promise.resolve(),
  };
}
