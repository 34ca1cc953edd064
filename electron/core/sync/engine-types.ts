// What the sync engine shows to the rest of the kiosk: its options, its status and the per-row
// event the writeback log listens to. Apart from engine.ts so that the engine file holds only the
// engine (its loop, retries, connectivity and the read-back hand-off).
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { MisConnector } from '../mis/types';
import type { BackoffPolicy } from './backoff';
import type { ConfirmSettings } from './confirm';
import type { OutboxState, SessionMarkPayload } from './outbox';
import type { RowRules } from './writeback';

export interface SyncStatus {
  counts: Record<OutboxState, number>;
  oldestPendingAt: string | null;
  lastSuccessAt: string | null;
  lastError: { at: string; kind: string; message: string } | null;
  /** Sent marks the register has not shown for longer than the confirmation window (read-back failing or behind). */
  awaitingRegister: number;
  /** null until the MIS has been tried; false after a network failure, until it answers again. */
  online: boolean | null;
  running: boolean;
}

/** One row's fate, for the admin's writeback log. */
export interface WritebackEvent {
  outboxId: number;
  state: OutboxState;
  kind: string | null;
  message: string | null;
  writebackId: string | null;
}

export interface SyncEngineOptions {
  db: Db;
  connector: MisConnector;
  clock: Clock;
  logger: Logger;
  /** The school's rules for a row at send time: protected codes, session bounds. Default: none protected. */
  rulesFor?: (payload: SessionMarkPayload) => RowRules;
  /** Rows claimed per batch (capped by the connector's maxBatch). */
  batchSize?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  /** Reads (register, lessons) in flight at once within one batch; the connector's rate limit still applies. */
  readConcurrency?: number;
  /** The sweep for due retries, ms. */
  intervalMs?: number;
  /** While offline, how often to ask the MIS whether it is back, ms. */
  probeMs?: number;
  backoff?: BackoffPolicy;
  /**
   * After a timeout the write may still land at the MIS: wait at least this long before the
   * retry's read, so that the read sees it and nothing is written twice. Default 30 s.
   */
  timeoutRetryFloorMs?: number;
  random?: () => number;
  /**
   * Confirmed in the register: read each sent mark back (settings.confirmation, read at each use
   * so a change applies without a restart). Default: on, first read after 60 s, window 15 min.
   */
  confirmation?: () => ConfirmSettings;
  /** Sent rows read back per pass (grouped by day, so a pass costs a few reads). */
  confirmBatch?: number;
}

export const defaultConfirmation: ConfirmSettings = { enabled: true, firstReadMs: 60_000, windowMs: 15 * 60_000 };
