// The roster settings' fields as settings-form nodes (renderer/src/staff/settings/schema.ts), so
// the roster form uses the same widgets as the site settings. They mirror
// electron/core/roster/config.ts, which the renderer cannot import;
// tests/unit/renderer-admin-logic.test.ts fails if the two drift apart.
import type { JsonNode } from '../settings/schema';
import type { RosterSourceKind } from './logic';

const CLOCK = '^([01]\\d|2[0-3]):[0-5]\\d$';
export const text = (maxLength: number): JsonNode => ({ type: 'string', minLength: 1, maxLength });
const nullableText = (maxLength: number): JsonNode => ({ anyOf: [text(maxLength), { type: 'null' }] });

/**
 * Each source kind's fields: [key in the config, the label's key, its node]. The Wonde page size
 * (perPage) is left out on purpose: it is for support, not for a school, and keeps its value.
 */
export const SOURCE_FIELDS: Record<Exclude<RosterSourceKind, 'none'>, [string, string, JsonNode][]> = {
  wonde: [
    ['photos', 'rosterPhotos', { type: 'boolean' }],
    ['contacts', 'rosterContacts', { type: 'boolean' }],
    ['badgeFrom', 'rosterBadgeFrom', { enum: ['none', 'mis_id', 'upi', 'id'] }],
  ],
  csv: [
    ['path', 'rosterCsvPath', text(1000)],
    ['mapping', 'rosterMapping', nullableText(80)],
  ],
  oneroster: [
    ['path', 'rosterFolder', text(1000)],
    ['schoolSourcedId', 'rosterSchoolSourcedId', nullableText(255)],
  ],
};

export const SCHEDULE_FIELDS: [string, string, JsonNode][] = [
  ['enabled', 'rosterNightly', { type: 'boolean' }],
  ['at', 'rosterNightlyAt', { type: 'string', pattern: CLOCK }],
];


/** Top-level roster settings drawn by RosterSettings itself (toggles and the stepper), beside source and schedule. */
export const OTHER_FIELDS = ['summerPause', 'maxLeaverShare', 'allowNoBadge'] as const;
