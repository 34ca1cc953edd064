// Per-kiosk upkeep, for the site admin: `kiosk doctor`, the support bundle, acknowledging a
// database recovery, and the audit log.
import { z } from 'zod';
import { doctorReport } from '../fleet';
import { token, type CallMap } from './common';

export const maintenanceCalls = {
  /** `kiosk doctor` on the admin screen: each check with its fix. */
  runDoctor: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: doctorReport,
  },
  /** Where a support bundle can go: USB sticks first, then the kiosk's own folder. */
  supportBundleTargets: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: z.array(z.string()),
  },
  writeSupportBundle: {
    role: 'site_admin',
    request: z.object({ token, target: z.string().min(1).max(500) }).strict(),
    response: z.object({ folder: z.string(), files: z.array(z.string()), bytes: z.number() }),
  },
  /** The site admin has read the database recovery notice: the idle screen's chip goes. */
  acknowledgeRecovery: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: z.object({}),
  },
  auditLog: {
    role: 'site_admin',
    request: z.object({ token, limit: z.number().int().min(1).max(500) }).strict(),
    response: z.array(
      z.object({ at: z.string(), actor: z.string(), action: z.string(), subject: z.string().nullable(), before: z.string().nullable(), after: z.string().nullable() }),
    ),
  },
} as const satisfies CallMap;
