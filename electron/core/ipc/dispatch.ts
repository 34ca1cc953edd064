// Binds the IPC contract to a KioskCore: parse the request with zod, check the caller's role once
// from the call's declaration, call the handler, parse the response, and turn every failure into
// a value. Used by electron/main (behind its sender check) and by the e2e tests (behind
// page.exposeBinding), so both run exactly this code.
import { ZodError } from 'zod';
import { calls, type CallName, type CallRole, type IpcResult } from '../../../shared/ipc/contract';
import { describeIssues } from '../../../shared/settings';
import { SettingsValidationError } from '../db/settings-store';
import { CoreError } from '../errors';
import type { KioskCore } from '../kiosk';
import type { CallContext } from './context';
import { fileExportHandlers } from './handlers/file-export';
import { kioskHandlers } from './handlers/kiosk';
import { maintenanceHandlers } from './handlers/maintenance';
import { rosterHandlers } from './handlers/roster';
import { settingsHandlers } from './handlers/settings';
import { staffSessionHandlers } from './handlers/staff-session';
import { todayHandlers } from './handlers/today';
import { writebackHandlers } from './handlers/writeback';

// Each feature's handler map is typed against its own contract file; this one only checks that
// every call has a handler (a call without one does not compile).
const handlers = {
  ...kioskHandlers,
  ...staffSessionHandlers,
  ...todayHandlers,
  ...writebackHandlers,
  ...settingsHandlers,
  ...rosterHandlers,
  ...fileExportHandlers,
  ...maintenanceHandlers,
} satisfies { [N in CallName]: unknown };

/** A handler seen without its call's types: dispatch has parsed the request against that call's schema. */
type AnyHandler = (ctx: CallContext, request: never) => unknown;

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

/**
 * The staff role behind the request's token, checked against what the call declares; null for a
 * 'kiosk' call. A missing, unknown or expired token, or too low a role, throws the staff desk's
 * own CoreError('forbidden', …), which reaches the screen as today's error value.
 */
function checkRole(core: KioskCore, role: CallRole, request: unknown): CallContext['role'] {
  if (role === 'kiosk') return null;
  const token = (request as { token?: unknown }).token;
  return core.staff.require(typeof token === 'string' ? token : undefined, role);
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
    const ctx: CallContext = { core, role: checkRole(core, spec.role, parsed.data) };
    // The request was parsed by this very call's schema, which is what the handler's type says.
    const value = await (handlers[name] as AnyHandler)(ctx, parsed.data as never);
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
