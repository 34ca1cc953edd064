// The receptionist's Today screen: today's events, a staff override, signing a student by hand,
// reprinting a pass, finalising an event. Role 'receptionist' (a site admin may too).
import { z } from 'zod';
import { signEvent } from '../model';
import { direction } from '../settings';
import { token, type CallMap } from './common';
import { passOutcome, recordResult } from './results';

export const staffEventRow = z.object({
  event: signEvent,
  studentName: z.string(),
  year: z.number().nullable(),
  writeback: z.object({ state: z.string(), lastError: z.string().nullable() }).nullable(),
  /** The student's late sign-ins this school week, Monday to today (issue 15). */
  latesThisWeek: z.number().int().optional(),
});
export type StaffEventRow = z.infer<typeof staffEventRow>;

/** A student as reception sees them when signing by hand: the full name, unlike the kiosk's search. */
export const staffStudentHit = z.object({ id: z.string(), name: z.string(), year: z.number().nullable(), form: z.string().nullable() });
export type StaffStudentHit = z.infer<typeof staffStudentHit>;

export const todayCalls = {
  staffEvents: {
    role: 'receptionist',
    request: z.object({ token, query: z.string().max(64).optional(), direction: direction.optional() }).strict(),
    response: z.array(staffEventRow),
  },
  overrideEvent: {
    role: 'receptionist',
    request: z
      .object({ token, eventId: z.string().min(1).max(64), reasonId: z.string().min(1).max(64), code: z.string().max(8).nullable().optional(), note: z.string().max(200).optional() })
      .strict(),
    response: signEvent,
  },
  /** Reception's search for signing by hand: full names, active students only, at most 12. */
  staffFindStudents: {
    role: 'receptionist',
    request: z.object({ token, query: z.string().max(64) }).strict(),
    response: z.array(staffStudentHit),
  },
  manualSign: {
    role: 'receptionist',
    request: z
      .object({ token, studentId: z.string().min(1).max(64), direction, reasonId: z.string().min(1).max(64), note: z.string().max(200).optional() })
      .strict(),
    response: recordResult,
  },
  reprintPass: {
    role: 'receptionist',
    request: z.object({ token, eventId: z.string().min(1).max(64) }).strict(),
    response: passOutcome,
  },
  finaliseEvent: {
    role: 'receptionist',
    request: z.object({ token, eventId: z.string().min(1).max(64), excused: z.boolean() }).strict(),
    response: signEvent,
  },
} as const satisfies CallMap;
