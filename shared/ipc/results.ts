// What a sign-in or sign-out answers, shared by the student's `record` (kiosk.ts) and the
// receptionist's `manualSign` (today.ts).
import { z } from 'zod';
import { signEvent } from '../model';

export const passOutcome = z.object({
  status: z.enum(['printed', 'failed', 'disabled']),
  /** For staff and the idle chip: "Out of paper", "Printer offline". Never shown to a student verbatim. */
  problem: z.string().nullable(),
});
export type PassOutcome = z.infer<typeof passOutcome>;

export const recordResult = z.object({
  event: signEvent,
  pass: passOutcome,
  why: z.string(),
  /** The reason's or the group's message ("Go straight to your lesson."), for the done screen. */
  passMessage: z.string().nullable().default(null),
});
export type RecordResult = z.infer<typeof recordResult>;
