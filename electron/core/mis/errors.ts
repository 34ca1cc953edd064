// What can go wrong talking to an MIS, sorted the way the engine acts on it: a transient error
// is retried with backoff, a permanent one parks the row with a message the admin can act on.
export type TransientKind = 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'auth';
export type PermanentKind =
  | 'rejected' // the MIS refused the record (422)
  | 'unknown_code' // the school's MIS has no such attendance code
  | 'student_not_in_mis'
  | 'no_mis_id' // the kiosk's roster has no MIS id for the student
  | 'capability_missing' // the MIS cannot take this kind of mark
  | 'no_lesson' // lesson-only MIS and no lesson in that session
  | 'forbidden' // the school has not granted the permission
  | 'bad_payload';
export type MisErrorKind = TransientKind | PermanentKind;

const TRANSIENT: ReadonlySet<MisErrorKind> = new Set<MisErrorKind>(['network', 'timeout', 'server_error', 'rate_limited', 'auth']);

export class MisError extends Error {
  readonly transient: boolean;
  constructor(
    readonly kind: MisErrorKind,
    message: string,
    readonly details: {
      status?: number;
      retryAfterMs?: number;
      body?: unknown;
      /** The records of a batch that caused a permanent error (SessionMarkWrite.ref), when known. */
      refs?: number[];
      /** The MIS's own words for each of `refs`, when it named the records one by one (Wonde's 422). */
      refMessages?: Record<number, string>;
    } = {},
  ) {
    super(message);
    this.name = 'MisError';
    this.transient = TRANSIENT.has(kind);
  }
}

export function isMisError(e: unknown): e is MisError {
  return e instanceof MisError;
}

/** Anything thrown that is not a MisError is a bug on our side: treat it as transient so the row is kept. */
export function asMisError(e: unknown): MisError {
  if (e instanceof MisError) return e;
  return new MisError('network', `Unexpected error while talking to the MIS: ${(e as Error)?.message ?? String(e)}`);
}
