// The MIS/SIS connection the site admin edits: which connector, and where the school lives.
// Credentials are NOT here: they go to the SecretStore under the keys below, so a settings
// export or a screenshot of the admin screen never carries a token.
import { z } from 'zod';
import { edfiUsSettings, fileExportUsSettings, powerschoolUsSettings, usSecretKeys } from './mis-us';

export const connectorName = z.enum(['none', 'wonde', 'powerschool', 'edfi', 'file']);
export type ConnectorName = z.infer<typeof connectorName>;

/** SecretStore keys. The UI writes them and never reads them back. */
export const secretKeys = {
  wondeToken: 'mis.wonde.token',
  ...usSecretKeys,
} as const;

/** A host name only (the school's regional Wonde domain), not a URL. */
const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$/,
    'Give the host name only, such as api.wonde.com or api-ap-southeast-2.wonde.com.',
  );

export const wondeSettings = z.strictObject({
  connector: z.literal('wonde'),
  /** The school's regional domain (the school object's region.domain). */
  domain: hostName.default('api.wonde.com'),
  schoolId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{4,40}$/, 'The Wonde school id looks like A1930499544: letters and digits only.'),
  /** Kiosk-side cap on requests; Wonde publishes no limit, so stay polite. */
  requestsPerSecond: z.number().min(0.5).max(100).default(10),
  /** 'https' always for a real school; 'http' exists for the local fake only. */
  protocol: z.enum(['https', 'http']).default('https'),
});
export type WondeSettings = z.output<typeof wondeSettings>;

export const misSettings = z.discriminatedUnion('connector', [
  z.strictObject({ connector: z.literal('none') }),
  wondeSettings,
  powerschoolUsSettings,
  edfiUsSettings,
  fileExportUsSettings,
]);
export type MisSettings = z.output<typeof misSettings>;
export type MisSettingsInput = z.input<typeof misSettings>;
