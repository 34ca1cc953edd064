// The roster, for the site admin: its settings, the last imports, "Import now" (with progress as
// `rosterProgress` events) and the new-year check.
import { z } from 'zod';
import { token, type CallMap } from './common';

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

export const rosterCalls = {
  rosterStatus: {
    role: 'site_admin',
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
    role: 'site_admin',
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
    role: 'site_admin',
    request: z.object({ token, config: z.unknown() }).strict(),
    response: z.record(z.string(), z.unknown()),
  },
  /** A detected new academic year is applied only when the admin says so. */
  rosterRollover: {
    role: 'site_admin',
    request: z.object({ token, decision: z.enum(['approve', 'discard']) }).strict(),
    /** `message`: what a discard did (also when nothing was waiting, which is not an error). */
    response: z.object({ run: importRunView.nullable(), message: z.string().optional() }),
  },
} as const satisfies CallMap;

export const rosterEvents = {
  /** A long roster import's progress, for the admin screen. */
  rosterProgress,
} as const;
