// Binds the IPC contract to a KioskCore: parse the request with zod, call, parse the response,
// and turn every failure into a value. Used by electron/main (behind its sender check) and by the
// e2e tests (behind page.exposeBinding), so both run exactly this code.
import { ZodError } from 'zod';
import { calls, type CallName, type IpcResult } from '../../../shared/ipc/contract';
import { describeIssues } from '../../../shared/settings';
import { SettingsValidationError } from '../db/settings-store';
import { CoreError } from '../errors';
import type { KioskCore } from '../kiosk';
import { staffHandlers, type Handler } from './staff-handlers';
import { adminHandlers } from './admin-handlers';
import { latenessHandlers } from './lateness-handlers';

const handlers: { [N in CallName]: Handler } = {
  getKioskInfo: (core) => core.getKioskInfo(),
  getStatus: (core) => core.getStatus(),
  scan: (core, req) => core.scan(req),
  selectStudent: (core, req) => core.selectStudent(req),
  searchStudents: (core, req) => core.searchStudents(req),
  record: (core, req) => core.record(req),
  todayEvents: (core) => core.todayEvents(),
  getSettings: (core) => core.getSettings(),
  ...staffHandlers,
  ...adminHandlers,
  ...latenessHandlers,
};

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

export async function dispatch(core: KioskCore, name: unknown, payload: unknown): Promise<IpcResult<unknown>> {
  if (!isCallName(name)) return { ok: false, error: { code: 'invalid_request', message: 'Unknown call.' } };
  const spec = calls[name];
  const parsed = spec.request.safeParse(payload ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid_request', message: 'The request was malformed.', issues: describeIssues(parsed.error) },
    };
  }
  try {
    const value = await handlers[name](core, parsed.data as never);
    // The response is checked too: the renderer can rely on the contract's shape.
    return { ok: true, value: spec.response.parse(value) };
  } catch (e) {
    if (e instanceof CoreError) return { ok: false, error: { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) } };
    if (e instanceof SettingsValidationError)
      return { ok: false, error: { code: 'validation_failed', message: 'Some settings need fixing.', issues: e.issues } };
    const detail = e instanceof ZodError ? 'response did not match the contract' : (e as Error)?.message;
    core.log.error('ipc call failed', { call: name, error: detail });
    return { ok: false, error: { code: 'internal', message: 'Something went wrong. The event log has the details.' } };
  }
}
