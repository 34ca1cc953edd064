// Writeback to the MIS, for the site admin: the log of marks sent (filter, page, export), retrying
// failed ones, the MIS's attendance codes, and "Test connection".
import { z } from 'zod';
import { direction } from '../settings';
import { token, type CallMap } from './common';

export const writebackLogFilter = z
  .object({
    status: z.enum(['all', 'pending', 'succeeded', 'failed', 'skipped', /* issue 12: */ 'confirmed', 'changed', 'not_sent']).optional(),
    name: z.string().max(64).optional(),
    type: direction.optional(),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  })
  .strict();

export const writebackLogRow = z.object({
  eventId: z.string(),
  outboxId: z.number().nullable(),
  type: direction,
  studentName: z.string(),
  misId: z.string().nullable(),
  date: z.string(),
  time: z.string(),
  year: z.number().nullable(),
  reason: z.string().nullable(),
  code: z.string().nullable(),
  status: z.enum(['pending', 'succeeded', 'failed', 'skipped', /* issue 12: */ 'confirmed', 'changed', 'not_sent']),
  detail: z.string().nullable(),
  attempts: z.number(),
  superseded: z.boolean(),
});
export type WritebackLogRow = z.infer<typeof writebackLogRow>;

export const misCodeView = z.object({ code: z.string(), description: z.string().nullable(), type: z.string().nullable() });

export const writebackCalls = {
  writebackLog: {
    role: 'site_admin',
    request: z.object({ token, filter: writebackLogFilter, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
    response: z.object({ rows: z.array(writebackLogRow), total: z.number() }),
  },
  retryWriteback: {
    role: 'site_admin',
    request: z.object({ token, outboxIds: z.union([z.array(z.number().int()).max(1000), z.literal('all_failed')]) }).strict(),
    response: z.object({ retried: z.number() }),
  },
  exportWritebackLog: {
    role: 'site_admin',
    request: z.object({ token, filter: writebackLogFilter }).strict(),
    response: z.object({ path: z.string(), rows: z.number() }),
  },
  /**
   * The connected MIS's attendance codes, fetched now and kept: from then on, saving settings that
   * name a code the MIS does not have is refused at that field.
   */
  misAttendanceCodes: {
    role: 'site_admin',
    request: z.object({ token, refresh: z.boolean().optional() }).strict(),
    response: z.object({ codes: z.array(misCodeView), fetchedAt: z.string().nullable() }),
  },
  /** "Test connection": says exactly what failed (address, credentials, permissions). */
  testMisConnection: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: z.object({ ok: z.boolean(), message: z.string() }),
  },
} as const satisfies CallMap;
