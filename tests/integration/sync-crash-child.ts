// Child process for the sync crash test: runs the real engine against the parent's fake Wonde
// until the queue is empty, then exits 0. The parent SIGKILLs it at random moments. The default
// protected codes are on, so every row reads the register before it writes: a read misunderstood
// as "no mark" would write over the parent's protected M or write a landed mark twice.
import { systemClock } from '../../electron/core/clock';
import { openDatabase } from '../../electron/core/db/database';
import { silentLogger } from '../../electron/core/logging/logger';
import { WondeConnector } from '../../electron/core/mis/wonde/connector';
import { unlimited } from '../../electron/core/mis/rate-limit';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { SyncEngine } from '../../electron/core/sync/engine';
import { outboxCounts } from '../../electron/core/sync/outbox';
import { secretKeys } from '../../shared/mis';

const [dbFile, baseUrl, schoolId] = process.argv.slice(2);
const db = openDatabase(dbFile!);
const connector = new WondeConnector({
  settings: {
    connector: 'wonde',
    domain: '127.0.0.1',
    schoolId: schoolId!,
    requestsPerSecond: 100,
    protocol: 'http',
  },
  secrets: memorySecretStore({ [secretKeys.wondeToken]: 'test-token' }),
  logger: silentLogger,
  baseUrl,
  limiter: unlimited,
  timeoutMs: 2_000,
});
const engine = new SyncEngine({
  db,
  connector,
  clock: systemClock,
  logger: silentLogger,
  rulesFor: () => ({ protectedCodes: ['/', '\\', 'M'] }),
  batchSize: 4,
  concurrency: 2,
  intervalMs: 50,
  backoff: { baseMs: 10, capMs: 50 },
  timeoutRetryFloorMs: 100,
});
engine.start();
process.stdout.write('READY\n');
const watchdog = setTimeout(() => process.exit(3), 60_000);
const timer = setInterval(() => {
  const c = outboxCounts(db);
  if (c.pending === 0 && c.in_flight === 0) {
    clearInterval(timer);
    clearTimeout(watchdog);
    void engine.stop().then(() => {
      db.close();
      process.exit(0);
    });
  }
}, 20);
