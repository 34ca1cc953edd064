// Per-kiosk upkeep for the site admin (shared/ipc/maintenance.ts): doctor, support bundle,
// acknowledging a database recovery, the audit log.
import path from 'node:path';
import type { maintenanceCalls } from '../../../../shared/ipc/contract';
import { CoreError } from '../../errors';
import type { KioskCore } from '../../kiosk';
import { logDirOf } from '../../logging/file-logger';
import { runDoctor, type DoctorPorts } from '../../maintenance/doctor';
import { acknowledgeRecoveryNotices, readRecoveryNotices } from '../../maintenance/recovery';
import { removableTargets, writeSupportBundle } from '../../maintenance/support-bundle';
import type { Handlers } from '../context';

function doctorPorts(core: KioskCore): DoctorPorts {
  return {
    dataDir: core.dataDir,
    db: core.db,
    settings: core.getSettings(),
    settingsSaved: core.settings.isSaved(),
    secrets: { backend: core.secrets.backend, weak: core.secrets.weak },
    printerStatus: core.diagnostics.printerStatus,
    scannerStatus: core.diagnostics.scannerStatus,
    misTest: core.diagnostics.misTest,
    misName: core.diagnostics.misName,
    nativeBinding: core.diagnostics.nativeBinding,
    now: () => core.clock.now(),
  };
}

/** Only a USB stick or the kiosk's own folder: the screen must not write anywhere else. */
function bundleTargets(core: KioskCore): string[] {
  return [...removableTargets(), path.join(core.dataDir, 'support')];
}

export const maintenanceHandlers: Handlers<typeof maintenanceCalls> = {
  runDoctor: ({ core }) => runDoctor(doctorPorts(core)),
  supportBundleTargets: ({ core }) => bundleTargets(core),
  writeSupportBundle: async ({ core, role }, req) => {
    if (!bundleTargets(core).includes(req.target)) throw new CoreError('invalid_request', 'Choose one of the offered places.');
    const doctor = await runDoctor(doctorPorts(core));
    const secrets = core.secrets.values?.() ?? [];
    const result = writeSupportBundle(req.target, { dataDir: core.dataDir, db: core.db, settings: core.getSettings(), doctor, logDir: logDirOf(core.dataDir), secrets });
    core.staff.audit(role, 'support.bundle', result.folder, null, { files: result.files.length });
    return result;
  },
  acknowledgeRecovery: ({ core, role }) => {
    const notices = readRecoveryNotices(core.dataDir);
    acknowledgeRecoveryNotices(core.dataDir);
    core.staff.audit(role, 'database.recovery_acknowledged', null, null, { notices: notices.length });
    return {};
  },
  auditLog: ({ core }, req) => core.staff.auditLog(req.limit),
};
