// The settings service: the site settings in force (district locks laid over them), their
// validated update with its audit row, and the listeners that apply a change without a restart.
import fs from 'node:fs';
import type { SettingsStore } from '../db/settings-store';
import type { MisCode, MisCodeStore } from '../db/mis-codes';
import type { AuditRepository } from '../db/audit';
import type { SecretStore } from '../security/secrets';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import { CoreError } from '../errors';
import { districtPolicy, fieldLocks, type DistrictPolicy } from '../../../shared/policy';
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
    private readonly deps: { misCodes: MisCodeStore; clock: Clock; log: Logger; secrets: SecretStore; audit: AuditRepository },
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

  /** False while the built-in example settings are in force (never saved). */
  isSaved(): boolean {
    return this.store.isSaved();
  }

  /** The admin screen: the settings, the district's locks, and how the secrets are kept. */
  adminView(): { settings: SiteSettings; locks: ReturnType<typeof fieldLocks>; secrets: { backend: string; weak: boolean } } {
    return { settings: this.get(), locks: fieldLocks(this.store.policy), secrets: { backend: this.deps.secrets.backend, weak: this.deps.secrets.weak } };
  }

  /** Store a secret (a token, a client secret) behind the settings, audited (never its value); then apply. */
  saveSecret(name: string, value: string, actor: string): void {
    this.deps.secrets.set(name, value);
    this.audit(actor, 'secret.set', name, null, null);
    this.changed();
  }

  /** Which of these secrets are set (never their values). */
  secretsSet(names: string[]): Record<string, boolean> {
    return Object.fromEntries(names.map((n) => [n, this.deps.secrets.get(n) !== null]));
  }

  /** The MIS's own attendance codes as last fetched: code fields offer them, saves are checked against them. */
  misCodes(): ReturnType<MisCodeStore['list']> {
    return this.deps.misCodes.list();
  }

  /** Fetch the MIS's codes again (`fetch`: the MIS port's, or none when no MIS is connected). */
  async refreshMisCodes(fetch: (() => Promise<MisCode[]>) | undefined, actor: string): Promise<void> {
    if (!fetch) throw new CoreError('invalid_request', 'No MIS is connected. Choose one and save the settings first.');
    let codes: MisCode[];
    try {
      codes = await fetch();
    } catch (e) {
      throw new CoreError('invalid_request', `The MIS did not give its codes: ${(e as Error).message}`);
    }
    this.deps.misCodes.replace(codes, this.deps.clock.now().toISOString());
    this.audit(actor, 'mis.codes', null, null, { codes: codes.length });
  }

  private audit(actor: string, action: string, subject: string | null, before: unknown, after: unknown): void {
    this.deps.audit.append(this.deps.clock.now().toISOString(), actor, action, subject, before, after);
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
