// The maintenance module as the rest of the kiosk sees it: the doctor (with the ports it asks),
// the support bundle, the recovery notices. Callers (the admin screen, the CLI) ask this object
// instead of assembling the doctor's ports from the core's insides. The work itself stays in the
// files beside this one (doctor.ts, support-bundle.ts, recovery.ts…).
import path from 'node:path';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { MisCode } from '../db/mis-codes';
import { runDoctor, type DoctorPorts } from './doctor';
import type { DoctorReport } from '../../../shared/fleet';
import { removableTargets, writeSupportBundle, type SupportBundleResult } from './support-bundle';
import { acknowledgeRecoveryNotices, readRecoveryNotices, recoveryStatus } from './recovery';
import { logDirOf } from '../logging/file-logger';
import { CoreError } from '../errors';
import type { SiteSettings } from '../../../shared/settings';

/** What the doctor asks of the running services. Each may be replaced (a test's fake printer). */
export interface DiagnosticProbes {
  printerStatus: DoctorPorts['printerStatus'];
  scannerStatus: DoctorPorts['scannerStatus'];
  misTest: DoctorPorts['misTest'];
  misName: string | undefined;
  nativeBinding: string | undefined;
  misCodes: (() => Promise<MisCode[]>) | undefined;
}

export interface MaintenanceDeps {
  dataDir: string;
  db: Db;
  nativeBinding: string | undefined;
  clock: Clock;
  settings: () => SiteSettings;
  /** False while the built-in example settings are in force. */
  settingsSaved: () => boolean;
  secrets: { readonly backend: string; readonly weak: boolean; values?(): string[] };
  /** The live answers of the running services (printer, scanner, MIS), read when asked. */
  probes: { [K in keyof DiagnosticProbes]: () => DiagnosticProbes[K] };
  audit: (actor: string, action: string, subject: string | null, before: unknown, after: unknown) => void;
}

export class Maintenance {
  /** The probes the doctor uses: the running services, unless one was replaced. */
  readonly probes: DiagnosticProbes;

  constructor(private readonly d: MaintenanceDeps) {
    const replaced: Partial<DiagnosticProbes> = {};
    const table = {} as DiagnosticProbes;
    for (const key of Object.keys(d.probes) as (keyof DiagnosticProbes)[]) {
      Object.defineProperty(table, key, {
        enumerable: true,
        get: () => (key in replaced ? replaced[key] : d.probes[key]()),
        set: (v: never) => {
          replaced[key] = v;
        },
      });
    }
    this.probes = table;
  }

  doctorPorts(): DoctorPorts {
    const p = this.probes;
    return {
      dataDir: this.d.dataDir,
      db: this.d.db,
      settings: this.d.settings(),
      settingsSaved: this.d.settingsSaved(),
      secrets: { backend: this.d.secrets.backend, weak: this.d.secrets.weak },
      printerStatus: p.printerStatus,
      scannerStatus: p.scannerStatus,
      misTest: p.misTest,
      misName: p.misName,
      nativeBinding: p.nativeBinding,
      now: () => this.d.clock.now(),
    };
  }

  runDoctor(): Promise<DoctorReport> {
    return runDoctor(this.doctorPorts());
  }

  /** Where the admin screen may write a support bundle: a USB stick or the kiosk's own folder. */
  supportBundleTargets(): string[] {
    return [...removableTargets(), path.join(this.d.dataDir, 'support')];
  }

  async writeSupportBundle(target: string, actor: string): Promise<SupportBundleResult> {
    // Only a USB stick or the kiosk's own folder: the screen must not write anywhere else.
    if (!this.supportBundleTargets().includes(target)) throw new CoreError('invalid_request', 'Choose one of the offered places.');
    const doctor = await this.runDoctor();
    const secrets = this.d.secrets.values?.() ?? [];
    const result = writeSupportBundle(target, { dataDir: this.d.dataDir, db: this.d.db, settings: this.d.settings(), doctor, logDir: logDirOf(this.d.dataDir), secrets });
    this.d.audit(actor, 'support.bundle', result.folder, null, { files: result.files.length });
    return result;
  }

  recoveryStatus(): ReturnType<typeof recoveryStatus> {
    return recoveryStatus(this.d.dataDir);
  }

  /** The admin has read what recovery did: the notices go, and that is on record. */
  acknowledgeRecovery(actor: string): void {
    const notices = readRecoveryNotices(this.d.dataDir);
    acknowledgeRecoveryNotices(this.d.dataDir);
    this.d.audit(actor, 'database.recovery_acknowledged', null, null, { notices: notices.length });
  }
}
