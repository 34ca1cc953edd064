// The things a kiosk stores and shows: students, sign events, and what the renderer may see of them.
import { z } from 'zod';
import { direction, sessionName } from './primitives';

export const student = z.object({
  id: z.string().min(1, 'The student id is missing.').max(64, 'The student id is longer than 64 characters.'),
  misId: z.string().max(64).nullable().default(null),
  forename: z.string().trim().min(1, 'The first name is missing.').max(80, 'The first name is longer than 80 characters.'),
  surname: z.string().trim().min(1, 'The surname is missing.').max(80, 'The surname is longer than 80 characters.'),
  /** National curriculum year (UK) or grade (US, K = 0). */
  year: z
    .number()
    .int('The year must be a whole number.')
    .min(-2, 'The year or grade must be between -2 (nursery) and 14.')
    .max(14, 'The year or grade must be between -2 (nursery) and 14.')
    .nullable()
    .default(null),
  /** Registration/form group or homeroom, as the MIS names it. */
  form: z.string().max(40).nullable().default(null),
  /** Site group id (e.g. "sixth-form"); null: decided by the group's year rule. */
  groupId: z.string().max(64).nullable().default(null),
  badge: z.string().max(128, 'The badge code is longer than 128 characters.').nullable().default(null),
  photo: z.string().max(2_000_000).nullable().default(null),
  active: z.boolean().default(true),
});
export type Student = z.output<typeof student>;
export type StudentInput = z.input<typeof student>;

/** What the student screen shows: no MIS id, no badge. */
export const studentCard = z.object({
  id: z.string(),
  forename: z.string(),
  surname: z.string(),
  year: z.number().nullable(),
  form: z.string().nullable(),
  groupName: z.string().nullable(),
  photo: z.string().nullable(),
});
export type StudentCard = z.infer<typeof studentCard>;

/** A forgot-badge search hit: first name, last initial and year only. */
export const searchHit = z.object({ id: z.string(), displayName: z.string(), year: z.number().nullable() });
export type SearchHit = z.infer<typeof searchHit>;

export const writebackSkip = z.enum([
  'protected_code',
  'present_writeback_off',
  'no_leaver_code',
  'outside_sessions',
  'no_code',
]);
export type WritebackSkip = z.infer<typeof writebackSkip>;

export const signEvent = z.object({
  id: z.string(),
  studentId: z.string(),
  direction,
  occurredAt: z.string(),
  localDate: z.string(),
  localTime: z.string(),
  session: sessionName.nullable(),
  reasonId: z.string().nullable(),
  reasonLabel: z.string().nullable(),
  code: z.string().nullable(),
  minutesLate: z.number().int().nullable(),
  comment: z.string().nullable(),
  writeback: z.boolean(),
  skipReason: writebackSkip.nullable(),
  actor: z.string(),
  supersedes: z.string().nullable(),
  supersededBy: z.string().nullable(),
  excused: z.boolean().nullable(),
});
export type SignEvent = z.infer<typeof signEvent>;

export const scanRejection = z.enum(['empty', 'too_long', 'control_chars', 'bad_pattern', 'unknown_badge', 'inactive']);
export type ScanRejection = z.infer<typeof scanRejection>;
