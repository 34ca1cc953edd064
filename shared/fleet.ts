// Running a fleet of kiosks (issue 9): how long a kiosk keeps children's data, when it backs
// itself up, whether it updates itself, and the shape of a `kiosk doctor` report that both the
// CLI and the admin screen show. Pure: no Node, no DOM.
import { z } from 'zod';
import { clockTime } from './primitives';

/**
 * Events older than `days` (school-local date) that have been written back are purged: a school
 * must not hoard children's data. Events still waiting for (or failing) writeback are kept until
 * an admin has dealt with them, whatever their age.
 */
export const retentionSettings = z.strictObject({
  days: z.number().int().min(7, 'Keep at least a week of events, so that a failed writeback can still be seen.').max(3660).default(60),
});

/** The nightly online backup of the kiosk database. `at` is school-local time. */
export const backupSettings = z.strictObject({
  enabled: z.boolean().default(true),
  at: clockTime.default('02:30'),
  keep: z.number().int().min(1).max(365).default(14),
});

/**
 * Self-update through electron-updater's generic provider: any HTTPS folder the school or its
 * trust hosts holds `latest.yml` / `latest-linux.yml` and the installers in. Off by default: a
 * kiosk changes only when someone decided it should.
 */
export const updateSettings = z
  .strictObject({
    enabled: z.boolean().default(false),
    url: z.string().trim().default(''),
    channel: z.string().trim().regex(/^[a-z0-9-]+$/, 'Use lower-case letters, digits and -.').default('latest'),
  })
  .superRefine((u, ctx) => {
    if (!u.enabled && u.url === '') return;
    let url: URL;
    try {
      url = new URL(u.url);
    } catch {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'Give the address of the update folder, such as https://it.example.sch.uk/passdesk/.' });
      return;
    }
    // Linux packages are not signature-checked by electron-updater: only TLS stands between the
    // kiosk and whoever could answer on the network, so plain http is refused.
    if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', path: ['url'], message: 'The update address must start with https://.' });
  });

/** The `fleet` section of the site settings. Every field has a default, so `{}` is valid. */
export const fleetSettings = z.strictObject({
  retention: retentionSettings.prefault({}),
  backups: backupSettings.prefault({}),
  updates: updateSettings.prefault({}),
});
export type FleetSettings = z.output<typeof fleetSettings>;
export type FleetSettingsInput = z.input<typeof fleetSettings>;

export const defaultFleetSettings: FleetSettings = fleetSettings.parse({});

/**
 * The fleet settings of a site settings document, with defaults for whatever is missing. Takes
 * `unknown` so that it works before and after the `fleet` key joins the site settings schema.
 */
export function fleetSettingsOf(site: unknown): FleetSettings {
  const section = site && typeof site === 'object' ? (site as { fleet?: unknown }).fleet : undefined;
  const parsed = fleetSettings.safeParse(section ?? {});
  return parsed.success ? parsed.data : defaultFleetSettings;
}

// ---- kiosk doctor --------------------------------------------------------------------------

/**
 * ok: nothing to do. note: worth knowing, nobody needs to come (paper running low).
 * fail: a person needs to act (the CLI exits non-zero). skipped: not configured or not
 * checkable on this machine.
 */
export const checkStatus = z.enum(['ok', 'note', 'fail', 'skipped']);
export type CheckStatus = z.infer<typeof checkStatus>;

export const checkId = z.enum(['scanner', 'printer', 'mis', 'clock', 'timezone', 'disk', 'database', 'secrets', 'outbox', 'backups', 'messages']);
export type CheckId = z.infer<typeof checkId>;

export const checkResult = z.object({
  id: checkId,
  title: z.string(),
  status: checkStatus,
  /** One sentence: what was found. */
  summary: z.string(),
  /** What to do about it, when there is something to do. */
  fix: z.string().nullable(),
  /** Figures behind the summary, for the support bundle (ids and counts only). */
  details: z.record(z.string(), z.unknown()).default({}),
});
export type CheckResult = z.output<typeof checkResult>;

export const doctorReport = z.object({
  at: z.string(),
  /** True when at least one check failed: a person needs to act. */
  needsAttention: z.boolean(),
  checks: z.array(checkResult),
});
export type DoctorReport = z.output<typeof doctorReport>;
