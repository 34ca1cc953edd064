// What a handler is given and what it must return, derived from the contract: a handler whose
// request or answer does not match its call's schemas does not compile.
import type { z } from 'zod';
import type { CallMap, CallRole, StaffRole } from '../../../shared/ipc/contract';
import type { KioskCore } from '../kiosk';

/**
 * The call's context. `role` is the staff role dispatch has already checked against the token
 * (the session's own role, which may be higher than the call asks: a site admin on a
 * receptionist's call); null for a 'kiosk' call, which takes no token.
 */
export interface CallContext<R extends CallRole = CallRole> {
  readonly core: KioskCore;
  readonly role: R extends 'kiosk' ? null : StaffRole;
}

/**
 * One handler per call of a feature map F. It receives the parsed request and may answer either
 * the response or a promise of it; dispatch parses the answer against the schema before the
 * renderer sees it.
 */
export type Handlers<F extends CallMap> = {
  [N in keyof F]: (ctx: CallContext<F[N]['role']>, request: z.output<F[N]['request']>) => Promise<z.output<F[N]['response']>> | z.output<F[N]['response']>;
};
