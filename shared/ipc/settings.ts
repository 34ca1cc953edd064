// The site admin's settings screen: the settings with the district's locks, saving them, the
// secret store (write-only from the screen), and a test print.
import { z } from 'zod';
import { siteSettings } from '../settings';
import { token, type CallMap } from './common';
import { passOutcome } from './results';

export const fieldLock = z.object({ path: z.string(), reason: z.string(), district: z.string() });

export const settingsCalls = {
  adminSettings: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: z.object({
      settings: siteSettings,
      locks: z.array(fieldLock),
      secrets: z.object({ backend: z.string(), weak: z.boolean() }),
    }),
  },
  saveSettings: {
    role: 'site_admin',
    request: z.object({ token, settings: z.unknown() }).strict(),
    response: siteSettings,
  },
  /** Credentials go straight into the secret store and are never sent back to the screen. */
  saveSecret: {
    role: 'site_admin',
    request: z.object({ token, name: z.string().regex(/^[a-z0-9]+(\.[a-zA-Z0-9]+)+$/), value: z.string().min(1).max(4096) }).strict(),
    response: z.object({}),
  },
  secretsSet: {
    role: 'site_admin',
    request: z.object({ token, names: z.array(z.string().max(64)).max(20) }).strict(),
    response: z.record(z.string(), z.boolean()),
  },
  /** A sample pass to the configured printer, from the settings screen. */
  testPrint: {
    role: 'site_admin',
    request: z.object({ token }).strict(),
    response: passOutcome,
  },
} as const satisfies CallMap;
