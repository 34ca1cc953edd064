// Handlers for the staff calls (shared/ipc/staff-contract.ts). Each checks the PIN session's
// token and role before it touches anything.
import path from 'node:path';
import type { output } from 'zod';
import type { staffCalls } from '../../../shared/ipc/staff-contract';
import type { KioskCore } from '../kiosk';
import { exportWritebackLog, queryWritebackLog } from '../staff/writeback-log';
import { fieldLocks } from '../../../shared/policy';
import { runDoctor, type DoctorPorts } from '../maintenance/doctor';
import { removableTargets, writeSupportBundle } from '../maintenance/support-bundle';
import { logDirOf } from '../logging/file-logger';
import { acknowledgeRecoveryNotices, readRecoveryNotices } from '../maintenance/recovery';
import { CoreError } from '../errors';

function doctorPorts(core: KioskCore): DoctorPorts {
  return {
    dataDir: core.dataDir,
    db: core.db,
    settings: core.getSettings(),
    settingsSaved: !!core.db.prepare(`SELECT 1 FROM settings WHERE key = 'site'`).get(),
    secrets: { backend: core.secrets.backend, weak: core.secrets.weak },
    printerStatus: core.diagnostics.printerStatus,
    scannerStatus: core.diagnostics.scannerStatus,
    misTest: core.diagnostics.misTest,
    misName: core.diagnostics.misName,
    nativeBinding: core.diagnostics.nativeBinding,
    now: () => core.clock.now(),
  };
}

export type Handler = (core: KioskCore, request: never) => unknown;

type Req<N extends keyof typeof staffCalls> = output<(typeof staffCalls)[N]['request']>;

export const staffHandlers: { [N in keyof typeof staffCalls]: (core: KioskCore, req: Req<N>) => unknown } = {
  staffPinStatus: (core) => core.staff.pinStatus(),
  staffUnlock: (core, req) => core.staff.unlock(req.pin),
  staffLock: (core, req) => (core.staff.lock(req.token), {}),
  staffRecover: (core, req) => core.staff.recover(req.code),
  setPin: (core, req) => core.staff.setPin(req.token, req.role, req.pin),
  staffEvents: (core, req) => {
    core.staff.require(req.token, 'receptionist');
    // Issue 17: each row with who collected the student.
    return core.staff.events({ query: req.query, direction: req.direction }).map((row) => {
      const c = row.event.direction === 'sign_out' ? core.collectors.ofEvent(row.event.id) : null;
      return { ...row, collector: c ? { name: c.name, relationship: c.relationship, kind: c.kind, approval: c.approval } : null };
    });
  },
  overrideEvent: (core, req) => {
    const role = core.staff.require(req.token, 'receptionist');
    return core.staff.override({ eventId: req.eventId, reasonId: req.reasonId, code: req.code, note: req.note }, role);
  },
  staffFindStudents: (core, req) => {
    core.staff.require(req.token, 'receptionist');
    if (req.query.trim().length < 2) return [];
    return core.students
      .search(req.query, 20)
      .filter((s) => s.active)
      .slice(0, 12)
      .map((s) => ({ id: s.id, name: `${s.forename} ${s.surname}`, year: s.year, form: s.form }));
  },
  manualSign: (core, req) => {
    const role = core.staff.require(req.token, 'receptionist');
    return core.record({ studentId: req.studentId, direction: req.direction, reasonId: req.reasonId, note: req.note }, role);
  },
  reprintPass: (core, req) => {
    const role = core.staff.require(req.token, 'receptionist');
    return core.reprintPass(req.eventId, role);
  },
  finaliseEvent: (core, req) => {
    const role = core.staff.require(req.token, 'receptionist');
    return core.staff.finalise(req.eventId, req.excused, role);
  },
  writebackLog: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return queryWritebackLog(core.db, req.filter, req.offset, req.limit);
  },
  retryWriteback: (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    return { retried: core.staff.retry(req.outboxIds, role) };
  },
  exportWritebackLog: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return exportWritebackLog(core.db, req.filter, path.join(core.dataDir, 'exports'), core.clock.now().toISOString());
  },
  adminSettings: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return { settings: core.getSettings(), locks: fieldLocks(core.settings.policy), secrets: { backend: core.secrets.backend, weak: core.secrets.weak } };
  },
  saveSettings: (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    return core.updateSettings({ settings: req.settings }, role);
  },
  testPrint: (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    return core.testPrint(role);
  },
  testMisConnection: async (core, req) => {
    core.staff.require(req.token, 'site_admin');
    if (!core.sync?.testConnection) return { ok: false, message: 'No MIS is connected. Choose one and save the settings first.' };
    return core.sync.testConnection();
  },
  saveSecret: (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    core.secrets.set(req.name, req.value);
    core.staff.audit(role, 'secret.set', req.name, null, null);
    core.onSettingsChanged();
    return {};
  },
  secretsSet: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return Object.fromEntries(req.names.map((n) => [n, core.secrets.get(n) !== null]));
  },
  runDoctor: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return runDoctor(doctorPorts(core));
  },
  supportBundleTargets: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return [...removableTargets(), path.join(core.dataDir, 'support')];
  },
  writeSupportBundle: async (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    // Only a USB stick or the kiosk's own folder: the screen must not write anywhere else.
    const allowed = [...removableTargets(), path.join(core.dataDir, 'support')];
    if (!allowed.includes(req.target)) throw new CoreError('invalid_request', 'Choose one of the offered places.');
    const doctor = await runDoctor(doctorPorts(core));
    const secrets = core.secrets.values?.() ?? [];
    const result = writeSupportBundle(req.target, { dataDir: core.dataDir, db: core.db, settings: core.getSettings(), doctor, logDir: logDirOf(core.dataDir), secrets });
    core.staff.audit(role, 'support.bundle', result.folder, null, { files: result.files.length });
    return result;
  },
  acknowledgeRecovery: (core, req) => {
    const role = core.staff.require(req.token, 'site_admin');
    const notices = readRecoveryNotices(core.dataDir);
    acknowledgeRecoveryNotices(core.dataDir);
    core.staff.audit(role, 'database.recovery_acknowledged', null, null, { notices: notices.length });
    return {};
  },
  auditLog: (core, req) => {
    core.staff.require(req.token, 'site_admin');
    return core.staff.auditLog(req.limit);
  },
  // ---- issue 17 ----
  rollCall: (core, req) => {
    core.staff.require(req.token, 'receptionist');
    return core.rollCall();
  },
  printRollCall: (core, req) => {
    const role = core.staff.require(req.token, 'receptionist');
    return core.printRollCall(role);
  },
  approveCollector: (core, req) => {
    const role = core.staff.require(req.token, 'receptionist');
    core.approveCollector(req.eventId, role);
    return {};
  },
};
