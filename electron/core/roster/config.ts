// The roster settings a site admin edits: where the roster comes from, when the nightly import
// runs, the summer pause, and how many leavers one import may make without a confirmation.
// Stored as one JSON document in the `settings` table under key 'roster', beside the site settings.
import { z } from 'zod';
import { clockTime } from '../../../shared/settings';
import { summerPause } from './seasons';

export const rosterSourceConfig = z.discriminatedUnion('kind', [
  z.object({
    // The school id, domain and token are the MIS connection's (shared/mis.ts, the secret store).
    kind: z.literal('wonde'),
    /** Only when the school allows photos to leave the MIS. */
    photos: z.boolean().default(false),
    contacts: z.boolean().default(true),
    /** Which MIS field is printed as the badge barcode; 'none': badges are given at the kiosk, never touched. */
    badgeFrom: z.enum(['none', 'mis_id', 'upi', 'id']).default('mis_id'),
    perPage: z.number().int().min(1).max(1000).default(200),
  }),
  z.object({
    kind: z.literal('csv'),
    path: z.string().min(1),
    /** Name of a saved column mapping; none: guess from the header. */
    mapping: z.string().min(1).max(80).nullable().default(null),
  }),
  z.object({
    kind: z.literal('oneroster'),
    /** A folder holding users.csv, orgs.csv, enrollments.csv (and classes.csv, manifest.csv). */
    path: z.string().min(1),
    /** Only students of this org (school); none: every student in the bundle. */
    schoolSourcedId: z.string().min(1).max(255).nullable().default(null),
  }),
]);
export type RosterSourceConfig = z.output<typeof rosterSourceConfig>;

export const rosterConfig = z.object({
  source: rosterSourceConfig.nullable().default(null),
  schedule: z
    .object({ enabled: z.boolean().default(false), at: clockTime.default('02:30') })
    .default({ enabled: false, at: '02:30' }),
  summerPause: summerPause.nullable().default(null),
  /** An import that would deactivate more than this share of active students waits for the admin. */
  maxLeaverShare: z.number().min(0).max(1).default(0.25),
  /**
   * Students without a badge code are kept (the school signs them in by name). Off: a row of a
   * badge-carrying source with an empty badge is refused with its line. Sources that carry no
   * badges at all (badges handed out at the kiosk) are never refused for it.
   */
  allowNoBadge: z.boolean().default(false),
});
export type RosterConfig = z.output<typeof rosterConfig>;
export type RosterConfigInput = z.input<typeof rosterConfig>;

export const defaultRosterConfig: RosterConfig = rosterConfig.parse({});
