// Site-admin calls of the IPC contract beyond the settings: the roster (last import, import now,
// the new-year check) and the file export's "Save & run now". Each carries the PIN session's token.
import { z } from 'zod';

const token = z.string().min(10).max(200);

export const rosterIssueView = z.object({ line: z.number(), severity: z.string(), message: z.string() });

export const importRunView = z.object({
  id: z.number(),
  trigger: z.string(),
  sourceLabel: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.enum(['running', 'applied', 'frozen', 'rollover_pending', 'refused', 'failed']),
  counts: z.record(z.string(), z.unknown()),
  issueCount: z.number(),
  /** The first bad rows with their line and reason (the count above is exact). */
  issues: z.array(rosterIssueView),
  message: z.string().nullable(),
});
export type ImportRunView = z.infer<typeof importRunView>;

export const rosterProgress = z.object({
  phase: z.enum(['reading', 'checking', 'writing', 'done']),
  done: z.number(),
  total: z.number().nullable(),
  message: z.string(),
});

export const rolloverView = z.object({
  importId: z.number(),
  detectedAt: z.string(),
  sourceLabel: z.string(),
  verdict: z.object({
    isRollover: z.boolean(),
    continuing: z.number(),
    promoted: z.number(),
    formChanged: z.number(),
    joining: z.number(),
    leaving: z.number(),
    reasons: z.array(z.string()),
  }),
});

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

export const misCodeView = z.object({ code: z.string(), description: z.string().nullable(), type: z.string().nullable() });

export const adminCalls = {
  /**
   * The connected MIS's attendance codes, fetched now and kept: from then on, saving settings that
   * name a code the MIS does not have is refused at that field.
   */
  misAttendanceCodes: {
    request: z.object({ token, refresh: z.boolean().optional() }).strict(),
    response: z.object({ codes: z.array(misCodeView), fetchedAt: z.string().nullable() }),
  },
  rosterStatus: {
    request: z.object({ token }).strict(),
    response: z.object({
      /** The roster settings (source, nightly time, summer pause, leaver guard) as stored. */
      config: z.record(z.string(), z.unknown()),
      lastImport: importRunView.nullable(),
      history: z.array(importRunView),
      running: rosterProgress.nullable(),
      pendingRollover: rolloverView.nullable(),
    }),
  },
  /** "Import now"; progress arrives as `rosterProgress` events while it runs. */
  rosterImportNow: {
    request: z
      .object({
        token,
        confirmLeavers: z.boolean().optional(),
        /** The admin confirms the demo students leave now that the first real roster arrives. */
        replaceDemo: z.boolean().optional(),
      })
      .strict(),
    response: importRunView,
  },
  rosterSaveConfig: {
    request: z.object({ token, config: z.unknown() }).strict(),
    response: z.record(z.string(), z.unknown()),
  },
  /** A detected new academic year is applied only when the admin says so. */
  rosterRollover: {
    request: z.object({ token, decision: z.enum(['approve', 'discard']) }).strict(),
    /** `message`: what a discard did (also when nothing was waiting, which is not an error). */
    response: z.object({ run: importRunView.nullable(), message: z.string().optional() }),
  },
  fileExportStatus: {
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
    request: z.object({ token }).strict(),
    response: z.object({ run: exportRunView.nullable() }),
  },
  fileExportRerunDay: {
    request: z.object({ token, day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
    response: z.object({ run: exportRunView }),
  },
} as const;
