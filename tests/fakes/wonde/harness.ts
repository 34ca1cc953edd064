// One fake Wonde school + one kiosk database + one engine, torn down for sure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../electron/core/clock';
import { silentLogger } from '../../../electron/core/logging/logger';
import { WondeConnector } from '../../../electron/core/mis/wonde/connector';
import { memorySecretStore, type SecretStore } from '../../../electron/core/security/secrets';
import { SyncEngine, type SyncEngineOptions } from '../../../electron/core/sync/engine';
import { secretKeys } from '../../../shared/mis';
import { unlimited } from '../../../electron/core/mis/rate-limit';
import type { Db } from '../../../electron/core/db/database';
import { openSeedDb } from './seed';
import { startFakeWonde, type FakeWonde, type FakeWondeOptions } from './server';
import type { SchoolInput } from './school';

export const SCHOOL = 'A1930499544';

export interface Harness {
  fake: FakeWonde;
  db: Db;
  secrets: SecretStore;
  connector: WondeConnector;
  engine: SyncEngine;
  dispose(): Promise<void>;
}

export async function harness(
  opts: { school?: Partial<SchoolInput>; fake?: FakeWondeOptions; engine?: Partial<SyncEngineOptions>; timeoutMs?: number } = {},
): Promise<Harness> {
  const fake = await startFakeWonde({ lifetimeMs: 60_000, ...opts.fake, schools: [{ id: SCHOOL, students: [], ...opts.school }] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-sync-'));
  const db = openSeedDb(path.join(dir, 'kiosk.db'));
  const secrets = memorySecretStore({ [secretKeys.wondeToken]: 'test-token' });
  const connector = new WondeConnector({
    settings: { connector: 'wonde', domain: '127.0.0.1', schoolId: SCHOOL, requestsPerSecond: 100, protocol: 'http' },
    secrets,
    logger: silentLogger,
    baseUrl: fake.baseUrl,
    limiter: unlimited,
    timeoutMs: opts.timeoutMs ?? 2_000,
  });
  const engine = new SyncEngine({
    db,
    connector,
    clock: systemClock,
    logger: silentLogger,
    backoff: { baseMs: 20, capMs: 200 },
    intervalMs: 100,
    probeMs: 50,
    timeoutRetryFloorMs: 2 * (opts.timeoutMs ?? 2_000),
    ...opts.engine,
  });
  return {
    fake,
    db,
    secrets,
    connector,
    engine,
    async dispose() {
      await engine.stop();
      await fake.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until `cond` holds (the engine works on timers); fails with `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function students(n: number, prefix = 'S'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(5, '0')}`);
}
