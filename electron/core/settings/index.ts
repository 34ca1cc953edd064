// The settings service: the site settings in force (district locks laid over them), their
// validated update with its audit row, and the listeners that apply a change without a restart.
import fs from 'node:fs';
import type { SettingsStore } from '../db/settings-store';
import type { MisCodeStore } from '../db/mis-codes';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { CoreError } from '../errors';
import { districtPolicy, type DistrictPolicy } from '../../../shared/policy';
import type { SiteSettings } from '../../../shared/settings';

/** Read the district policy; a broken file is refused loudly rather than silently ignored. */
export function loadDistrictPolicy(file: string): DistrictPolicy | null {
  if (!fs.existsSync(file)) return null;
  const parsed = districtPolicy.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new CoreError('validation_failed', `The district policy file ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export class SettingsService {
  private readonly listeners = new Set<(s: SiteSettings) => void>();

  constructor(
    readonly store: SettingsStore,
    private readonly deps: { misCodes: MisCodeStore; clock: Clock; log: Logger },
  ) {
    if (store.get() && store.invalidStored) {
      deps.log.error('stored settings are not valid; running on the defaults until a site admin saves them', {
        issues: store.invalidStored.map((i) => `${i.path}: ${i.message}`).join('; '),
      });
    }
    for (const lock of store.ignoredLocks) deps.log.error('district policy lock ignored', { path: lock.path, message: lock.message });
  }

  get(): SiteSettings {
    return this.store.get();
  }

  /** Validate (district locks, MIS codes this school's MIS knows), store and audit; then apply. */
  update(input: unknown, actor: string): SiteSettings {
    const next = this.store.replace(input, actor, this.deps.clock.now().toISOString(), (s) => this.deps.misCodes.unknownCodes(s));
    this.changed();
    return next;
  }

  /** Subscribe to changes of the settings (or the secrets behind them). Returns an unsubscribe. */
  onChange(listener: (s: SiteSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell every listener: the settings, or a secret behind them, changed. */
  changed(): void {
    const s = this.store.get();
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (e) {
        this.deps.log.error('applying settings failed', { error: (e as Error).message });
      }
    }
  }

  // What the doctor, the admin screen and the tests read of the store.
  get policy(): DistrictPolicy | null {
    return this.store.policy;
  }
  get invalidStored(): { path: string; message: string }[] | null {
    return this.store.invalidStored;
  }
  get ignoredLocks(): { path: string; message: string }[] {
    return this.store.ignoredLocks;
  }
  get droppedUnknown(): string[] {
    return this.store.droppedUnknown;
  }
}
