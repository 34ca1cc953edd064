// The staff session: PIN status, unlock, the site admin's recovery code, lock, and setting a PIN.
// All role 'kiosk': they are what opens (or closes) a session, so there is none to check yet.
// setPin checks its own token in the core (electron/core/staff/desk.ts) because on a new kiosk
// the first site admin PIN is set with no token at all.
import { z } from 'zod';
import { empty, staffRole as role, token, type CallMap } from './common';

export const staffSessionCalls = {
  staffPinStatus: {
    role: 'kiosk',
    request: empty,
    response: z.object({
      receptionist: z.boolean(),
      site_admin: z.boolean(),
      lockedForSeconds: z.number().nullable(),
      /** Set up before, database lost, nothing restored: the first-run PIN set-up is refused. */
      setupLocked: z.boolean().optional(),
      /** A site admin recovery code exists (the keypad offers "Use the recovery code"). */
      recoveryCode: z.boolean().optional(),
    }),
  },
  staffUnlock: {
    role: 'kiosk',
    request: z.object({ pin: z.string().max(16) }).strict(),
    response: z.object({ role, token: z.string(), idleSeconds: z.number() }),
  },
  /** The site admin's recovery code (12 digits): works during a lockout, opens a site admin session, is used up. */
  staffRecover: {
    role: 'kiosk',
    request: z.object({ code: z.string().max(20) }).strict(),
    response: z.object({ role, token: z.string(), idleSeconds: z.number() }),
  },
  /** Ends the session the token names (an unknown or expired token: nothing to end, no error). */
  staffLock: { role: 'kiosk', request: z.object({ token }).strict(), response: z.object({}) },
  setPin: {
    role: 'kiosk',
    request: z.object({ token: token.optional(), role, pin: z.string().max(16) }).strict(),
    /** recoveryCode: issued with a site admin PIN when none exists; shown once, never again. */
    response: z.object({ recoveryCode: z.string().optional() }),
  },
} as const satisfies CallMap;
