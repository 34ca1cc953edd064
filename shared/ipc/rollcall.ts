// Issue 17: the evacuation roll call and approving who collects a student. Role 'receptionist'
// (a site admin may too). The roll call badge at the idle screen goes through `scan` (kiosk.ts).
import { z } from 'zod';
import { token, type CallMap } from './common';
import { passOutcome } from './results';
import { rollCall } from '../roll-call';

export const rollCallCalls = {
  /** Today's roll call, from the kiosk's own database (works with the MIS down). */
  rollCall: {
    role: 'receptionist',
    request: z.object({ token }).strict(),
    response: rollCall,
  },
  /** The roll call to the pass printer. */
  printRollCall: {
    role: 'receptionist',
    request: z.object({ token }).strict(),
    response: passOutcome,
  },
  /** "Someone else" is collecting: reception has checked them; the pass can be reprinted without "see reception". */
  approveCollector: {
    role: 'receptionist',
    request: z.object({ token, eventId: z.string().min(1).max(64) }).strict(),
    response: z.object({}),
  },
} as const satisfies CallMap;
