// Pass printing: the pass of an event (first print and reprints) and the settings screen's sample
// pass. The event is already safe on disk before a pass is asked for: a printer fault only ever
// means "see reception".
import type { Clock } from '../clock';
import type { PassRepository } from '../db/passes';
import type { SignEvent, Student } from '../../../shared/model';
import type { KioskStatus, PassOutcome } from '../../../shared/ipc/contract';
import type { SiteSettings } from '../../../shared/settings';
import { localClock } from '../../../shared/attendance/decision';

/** What attendance needs of a pass printer (electron/core/hardware/printer provides the real one). */
export interface PassPrinterPort {
  print(event: SignEvent, student: Student, settings: SiteSettings): Promise<PassOutcome>;
  status(): Promise<KioskStatus['printer']>;
}

/** The kiosk's printer port: always there; `ready` is false while no printer is set up or started. */
export interface PrinterPort extends PassPrinterPort {
  readonly ready: boolean;
}

const PRINT_WAIT_MS = 4_000;

export class PassPrinting {
  constructor(private readonly deps: { printer: PrinterPort; passes: PassRepository; clock: Clock }) {}

  /** Print the pass of an event and remember the attempt, whatever came of it. */
  async print(event: SignEvent, student: Student, settings: SiteSettings, actor: string): Promise<PassOutcome> {
    const printer = this.deps.printer;
    // No printer configured: nothing to remember about a pass.
    if (!printer.ready) return { status: 'disabled', problem: null };
    let outcome: PassOutcome;
    try {
      // The student is waiting at the screen: never longer than this for the printer, whatever
      // its own timeout, so the Done screen comes before the idle timeout could clear it.
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<PassOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'failed', problem: 'The printer did not answer in time.' }), PRINT_WAIT_MS);
      });
      outcome = await Promise.race([printer.print(event, student, settings), slow]);
      clearTimeout(timer);
    } catch (e) {
      // The event is already safe; a printer fault only means "see reception".
      outcome = { status: 'failed', problem: (e as Error).message };
    }
    this.deps.passes.record(event.id, this.deps.clock.now().toISOString(), outcome, actor);
    return outcome;
  }

  /** A sample pass from the settings screen: a made-up student, today, now. Not remembered. */
  async sample(settings: SiteSettings, actor: string): Promise<PassOutcome> {
    const printer = this.deps.printer;
    if (!printer.ready) return { status: 'disabled', problem: 'No printer is set up.' };
    const now = this.deps.clock.now();
    const clock = localClock(now.toISOString(), settings.timeZone);
    const sample: Student = { id: 'test-pass', misId: null, forename: 'Test', surname: 'Pass', year: 9, form: null, groupId: null, badge: null, photo: null, active: true };
    const event: SignEvent = {
      id: `test-${now.getTime()}`, studentId: sample.id, direction: 'sign_in', occurredAt: now.toISOString(), localDate: clock.date, localTime: clock.time,
      session: 'AM', reasonId: null, reasonLabel: 'Test print', code: null, minutesLate: null, comment: null, writeback: false, skipReason: null,
      actor, supersedes: null, supersededBy: null, excused: null,
    };
    try {
      return await printer.print(event, sample, settings);
    } catch (e) {
      return { status: 'failed', problem: (e as Error).message };
    }
  }
}
