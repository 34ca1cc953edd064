// Joins the reports of one scan into one code, for one device.
//
// What must stay true: a code is emitted whole or not at all. A partial badge number could
// match another student, so a code with a malformed report in it, one that never finished, or
// one cut short by an unplug is dropped with a reason; a dropped code's later reports are
// swallowed with it rather than emitted as a code of their own.
import { parseHidPosReport } from './report';
import type { ScannerTimers } from './types';

export interface AssemblerOptions {
  timers: ScannerTimers;
  /** After a report that the data filled and that carries no flag: how long to wait for more. */
  joinGapMs: number;
  /** After a report flagged "more data follows": how long the next may take before the code is dropped. */
  moreDataTimeoutMs: number;
  /** Longer codes are dropped (the IPC contract carries at most 4096 characters). */
  maxCodeBytes: number;
  onCode(data: Uint8Array): void;
  /** Why a report or a code was dropped. Never given the data: codes can be passwords. */
  onDrop(reason: string): void;
}

type Waiting = 'none' | 'gap' | 'more';

const MALFORMED = 'part of it arrived in a malformed report';

export class ReportAssembler {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private reports = 0;
  /** Set once the code in progress is known to be unusable: the reason it will be dropped. */
  private spoiled: string | null = null;
  private waiting: Waiting = 'none';
  private timer: unknown = null;

  constructor(private readonly options: AssemblerOptions) {}

  /** True while part of a code has arrived and the rest is awaited. */
  get inProgress(): boolean {
    return this.chunks.length > 0 || this.spoiled !== null;
  }

  push(report: Uint8Array): void {
    this.clearTimer();
    const parsed = parseHidPosReport(report);
    this.reports += 1;
    if (!parsed.ok) {
      this.options.onDrop(`malformed report (id ${parsed.reportId ?? 'none'}) dropped: ${parsed.reason}`);
      this.spoiled ??= MALFORMED;
    } else if (parsed.data.length === 0 && !this.inProgress && parsed.continuation !== 'more') {
      this.reports = 0;
      return; // an empty report between scans: nothing was read
    } else if (this.spoiled === null) {
      this.bytes += parsed.data.length;
      if (this.bytes > this.options.maxCodeBytes) {
        this.spoiled = `it is longer than ${this.options.maxCodeBytes} bytes`;
        this.chunks = [];
      } else {
        // Copy: node-hid may reuse its buffer for the next report.
        this.chunks.push(Uint8Array.from(parsed.data));
      }
    }
    switch (parsed.continuation) {
      case 'last':
        this.finish();
        break;
      case 'more':
        this.wait('more', this.options.moreDataTimeoutMs);
        break;
      case 'unknown':
        this.wait('gap', this.options.joinGapMs);
        break;
    }
  }

  /** The device went away or is being closed: whatever arrived of a code is dropped. */
  abandon(reason: string): void {
    this.clearTimer();
    if (this.inProgress) this.options.onDrop(`partial code dropped: ${reason}`);
    this.reset();
  }

  private wait(kind: Waiting, ms: number): void {
    this.waiting = kind;
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      if (this.waiting === 'more') {
        this.options.onDrop(`code dropped: the scanner said more data follows, but nothing came within ${ms} ms`);
        this.reset();
      } else {
        this.finish();
      }
    }, ms);
  }

  private finish(): void {
    this.clearTimer();
    // A "code" that was only one malformed report has been reported already, once is enough.
    const alreadyReported = this.reports === 1 && this.spoiled === MALFORMED;
    if (this.spoiled !== null && !alreadyReported) this.options.onDrop(`code dropped: ${this.spoiled}`);
    else if (this.bytes > 0) this.options.onCode(concat(this.chunks, this.bytes));
    this.reset();
  }

  private reset(): void {
    this.chunks = [];
    this.bytes = 0;
    this.reports = 0;
    this.spoiled = null;
    this.waiting = 'none';
  }

  private clearTimer(): void {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
