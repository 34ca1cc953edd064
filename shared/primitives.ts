// The smallest schemas, shared by the settings and by the sections other modules own (pass,
// MIS, fleet). They live apart so that those modules and shared/settings.ts never import each
// other in a circle.
import { z } from 'zod';

/** "HH:MM", 24-hour, in the school's own time zone. */
export const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 09:05.');

/** An attendance code as the MIS spells it: "L", "U", "/", "\\", "M", or a US SIS code like "TU". */
export const attendanceCode = z
  .string()
  .trim()
  .min(1, 'A code cannot be empty.')
  .max(8, 'A code is at most 8 characters.')
  .regex(/^\S*$/, 'A code has no spaces.');

export const sessionName = z.enum(['AM', 'PM']);
export type SessionName = z.infer<typeof sessionName>;

export const direction = z.enum(['sign_in', 'sign_out']);
export type Direction = z.infer<typeof direction>;

export const locale = z.enum(['en-GB', 'en-US']);
export type Locale = z.infer<typeof locale>;


/** One period of the school's bell schedule, in its own local "HH:MM" (see shared/settings.ts). */
export const period = z.strictObject({ name: z.string().trim().min(1).max(40), start: clockTime, end: clockTime });
export type Period = z.infer<typeof period>;
