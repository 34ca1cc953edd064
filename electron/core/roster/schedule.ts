// The nightly import at the school's set time (croner, in the school's time zone, so "02:30" is
// 02:30 in London whatever zone the kiosk's OS is set to). A night the kiosk was switched off is
// caught up shortly after it starts again. A run that is still going blocks the next (protect).
import { Cron } from 'croner';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { RosterConfig } from './config';
import { isImportOverdue } from './seasons';

export interface RosterScheduleDeps {
  config: () => RosterConfig;
  timeZone: () => string;
  lastCompletedAt: () => string | null;
  clock: Clock;
  logger: Logger;
  run: () => Promise<unknown>;
  /** Wait after start before catching up a missed night, so the kiosk's start is not slowed. */
  catchUpDelayMs?: number;
}

export class RosterSchedule {
  private job: Cron | null = null;
  private catchUp: NodeJS.Timeout | null = null;
  private started = false;

  constructor(private readonly deps: RosterScheduleDeps) {}

  /** Start the nightly import if the admin turned it on and a source is set; a no-op otherwise. */
  start(): void {
    this.started = true;
    this.arm();
  }

  stop(): void {
    this.started = false;
    this.disarm();
  }

  /** Pick up changed settings (time, zone, on/off). */
  restart(): void {
    if (!this.started) return;
    this.disarm();
    this.arm();
  }

  /** When the next nightly import will run, or null when none is scheduled. */
  nextRunAt(): Date | null {
    return this.job?.nextRun() ?? null;
  }

  private arm(): void {
    const cfg = this.deps.config();
    if (!cfg.schedule.enabled || !cfg.source) return;
    const [h, m] = cfg.schedule.at.split(':').map(Number);
    const timezone = this.deps.timeZone();
    this.job = new Cron(`${m} ${h} * * *`, { timezone, protect: true }, () => this.fire('nightly'));
    if (isImportOverdue(this.deps.lastCompletedAt(), this.deps.clock.now().toISOString(), cfg.schedule.at, timezone)) {
      this.catchUp = setTimeout(() => this.fire('catch-up'), this.deps.catchUpDelayMs ?? 60_000);
      this.catchUp.unref?.();
    }
    this.deps.logger.info('roster: nightly import scheduled', { at: cfg.schedule.at, timezone, next: this.nextRunAt()?.toISOString() });
  }

  private disarm(): void {
    this.job?.stop();
    this.job = null;
    if (this.catchUp) clearTimeout(this.catchUp);
    this.catchUp = null;
  }

  private async fire(why: 'nightly' | 'catch-up'): Promise<void> {
    try {
      await this.deps.run();
    } catch (e) {
      // Busy or no source: the admin screen shows the log; the schedule itself carries on.
      this.deps.logger.warn('roster: scheduled import did not start', { why, error: (e as Error).message });
    }
  }
}
