// The file export (a CSV/XLSX drop instead of an MIS API), for the site admin: its runs,
// "Save & run now", and writing one day again.
import { z } from 'zod';
import { token, type CallMap } from './common';

export const exportRunView = z.object({
  id: z.number(),
  kind: z.enum(['scheduled', 'manual', 'rerun']),
  day: z.string().nullable(),
  fileName: z.string(),
  state: z.enum(['writing', 'done']),
  records: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
});

export const fileExportCalls = {
  fileExportStatus: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: z.object({
      available: z.boolean(),
      waiting: z.number(),
      nextRunAt: z.string().nullable(),
      destination: z.string().nullable(),
      runs: z.array(exportRunView),
    }),
  },
  /** "Save & run now" (Hero's words): write the waiting events at once. */
  fileExportRunNow: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: z.object({ run: exportRunView.nullable() }),
  },
  fileExportRerunDay: {
    role: 'site_admin',
    request: z.object({ token, day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
    response: z.object({ run: exportRunView }),
  },
} as const satisfies CallMap;
