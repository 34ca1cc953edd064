// Issue 18: the site admin's lateness calls ("This week" in the admin area). Each carries the
// PIN session's token; main refuses them without a site admin's. Role: site_admin.
import { z } from 'zod';
import { REPORT_TABLES } from '../lateness';
import { token, type CallMap } from './common';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const lateReportView = z.object({
  from: z.string(),
  to: z.string(),
  lates: z.number(),
  byDay: z.array(z.object({ date: z.string(), lates: z.number() })),
  byYear: z.array(z.object({ year: z.number().nullable(), lates: z.number() })),
  byForm: z.array(z.object({ form: z.string().nullable(), lates: z.number() })),
  topReasons: z.array(z.object({ reason: z.string(), count: z.number() })),
  averageMinutesLate: z.number().nullable(),
  overThreshold: z.array(z.object({ studentId: z.string(), name: z.string(), rule: z.string(), count: z.number() })),
  /** How many rules are set: with none, "over a threshold" says where to add one. */
  rules: z.number(),
});
export type LateReportView = z.infer<typeof lateReportView>;

export const latenessCalls = {
  /** The figures of a date range; default the last four school weeks (Monday three weeks ago to today). */
  latenessReport: {
    role: 'site_admin',
    request: z.object({ token, from: isoDate.optional(), to: isoDate.optional() }).strict(),
    response: lateReportView,
  },
  /** One chart's numbers as CSV, into the kiosk's exports folder. */
  latenessExportCsv: {
    role: 'site_admin',
    request: z.object({ token, table: z.enum(REPORT_TABLES), from: isoDate, to: isoDate }).strict(),
    response: z.object({ path: z.string(), rows: z.number() }),
  },
} as const satisfies CallMap;
