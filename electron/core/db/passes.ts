// Passes: one row per print attempt (the first pass and every reprint), whatever came of it.
import type { Db } from './database';
import type { PassOutcome } from '../../../shared/ipc/contract';

export class PassRepository {
  constructor(private readonly db: Db) {}

  record(eventId: string, requestedAt: string, outcome: PassOutcome, actor: string): void {
    this.db
      .prepare('INSERT INTO passes (event_id, requested_at, status, problem, actor) VALUES (?, ?, ?, ?, ?)')
      .run(eventId, requestedAt, outcome.status, outcome.problem, actor);
  }
}
