// How pass bytes reach the printer. Every transport gives up after its timeout and reports a
// PrinterStatus instead of throwing: a printer fault must never cost a sign-in.
import type { PrinterStatus } from '../../../../shared/pass';

export type SendOutcome = { ok: true; status: PrinterStatus } | { ok: false; status: PrinterStatus };

export interface PrinterTransport {
  readonly kind: 'tcp' | 'device' | 'cups' | 'os';
  /** Whether the printer can tell us about paper and cover (only raw TCP here). */
  readonly twoWay: boolean;
  /** Checks the printer first where it can, then sends one job. Never rejects. */
  send(bytes: Uint8Array): Promise<SendOutcome>;
  /** Never rejects; an unreachable printer is `offline`. */
  status(): Promise<PrinterStatus>;
}

/** Resolves with `onTimeout()` if `work` has not settled in `ms`; `work` is never awaited past that. */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(onTimeout()), ms);
    timer.unref?.();
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(onTimeout());
      },
    );
  });
}

/** The OS error code of a failed call, for messages ("ECONNREFUSED"). */
export function errnoOf(e: unknown): string {
  return (e as NodeJS.ErrnoException | null)?.code ?? (e as Error | null)?.message ?? 'unknown error';
}
