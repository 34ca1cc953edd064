// What every feature file of the contract shares: the shape of a call's declaration (who may make
// it, what it sends, what it gets back) and the staff session's token. Kept apart from the
// feature files and the index so that neither imports the other in a circle.
import type { z } from 'zod';
import { z as zod } from 'zod';

/**
 * Who may make a call. 'kiosk': anyone at the screen, no PIN (the student flow, and the PIN
 * calls themselves). 'receptionist': a staff session of either role. 'site_admin': a site admin's
 * session only. For the two staff roles the request carries `token`, and dispatch checks it
 * against the role once, before the handler runs (electron/core/ipc/dispatch.ts).
 */
export type CallRole = 'kiosk' | 'receptionist' | 'site_admin';
export type StaffRole = Exclude<CallRole, 'kiosk'>;

export interface CallSpec {
  readonly role: CallRole;
  readonly request: z.ZodType;
  readonly response: z.ZodType;
}

/** A feature's calls, by name. */
export type CallMap = Record<string, CallSpec>;

/** The PIN session's token, as main issued it. */
export const token = zod.string().min(10).max(200);
export const staffRole = zod.enum(['receptionist', 'site_admin']);
export const empty = zod.object({}).strict();

/**
 * Names that appear in more than one of the feature maps (never, in a good contract). The index
 * feeds this to `NoDuplicates`, whose constraint turns a duplicate into a compile error that names it.
 */
export type DuplicateKeys<T extends readonly object[], Seen = never> = T extends readonly [infer H, ...infer R extends readonly object[]]
  ? Extract<keyof H, Seen> | DuplicateKeys<R, Seen | keyof H>
  : never;
/** Compiles only when D is never: "Type '"scan"' does not satisfy the constraint 'never'" names the duplicate. */
export type NoDuplicates<D extends never> = D;
