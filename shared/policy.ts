// District policy ("Prevent School Overrides", as Navigate360 calls it): a file the district's IT
// puts on every kiosk that fixes some settings. A locked field shows as locked, with the reason,
// and a site admin's change to it is refused.
import { z } from 'zod';

export const districtPolicy = z.object({
  district: z.string().trim().min(1).max(100),
  locked: z
    .array(
      z.object({
        /** Dotted path into the site settings, e.g. "rules.presentWriteback" or "rules.sessions". */
        path: z.string().regex(/^[A-Za-z]+(\.[A-Za-z0-9]+)*$/, 'A path such as rules.presentWriteback'),
        /** The value the district sets; without one, the field is frozen at the kiosk's current value. */
        value: z.unknown().optional(),
        reason: z.string().trim().min(1).max(200),
      }),
    )
    .default([]),
});
export type DistrictPolicy = z.output<typeof districtPolicy>;

export interface FieldLock {
  path: string;
  reason: string;
  district: string;
}

export function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function setPath<T>(obj: T, path: string, value: unknown): T {
  const keys = path.split('.');
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cur = copy;
  keys.slice(0, -1).forEach((k) => {
    if (cur[k] === null || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  });
  cur[keys[keys.length - 1]!] = structuredClone(value);
  return copy as T;
}

/** The settings as the district wants them: every locked value laid over the site's own. */
export function applyPolicy<T>(settings: T, policy: DistrictPolicy | null): T {
  if (!policy) return settings;
  return policy.locked.reduce((s, lock) => (lock.value === undefined ? s : setPath(s, lock.path, lock.value)), settings);
}

/** Which locked fields a proposed change touches: each is a refusal with the district's reason. */
export function lockedChanges<T>(current: T, proposed: T, policy: DistrictPolicy | null): { path: string; message: string }[] {
  if (!policy) return [];
  return policy.locked
    .filter((lock) => JSON.stringify(getPath(proposed, lock.path)) !== JSON.stringify(lock.value !== undefined ? lock.value : getPath(current, lock.path)))
    .map((lock) => ({ path: lock.path, message: `Locked by ${policy.district}: ${lock.reason}` }));
}

export function fieldLocks(policy: DistrictPolicy | null): FieldLock[] {
  return policy ? policy.locked.map((l) => ({ path: l.path, reason: l.reason, district: policy.district })) : [];
}
