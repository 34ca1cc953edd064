// Per-kiosk upkeep for the site admin (shared/ipc/maintenance.ts): doctor, support bundle,
// acknowledging a database recovery, the audit log.
import type { maintenanceCalls } from '../../../../shared/ipc/contract';
import type { Handlers } from '../context';

export const maintenanceHandlers: Handlers<typeof maintenanceCalls> = {
  runDoctor: ({ core }) => core.maintenance.runDoctor(),
  supportBundleTargets: ({ core }) => core.maintenance.supportBundleTargets(),
  writeSupportBundle: ({ core, role }, req) => core.maintenance.writeSupportBundle(req.target, role),
  acknowledgeRecovery: ({ core, role }) => (core.maintenance.acknowledgeRecovery(role), {}),
  auditLog: ({ core }, req) => core.staff.auditLog(req.limit),
};
