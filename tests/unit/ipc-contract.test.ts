// The contract drives the types and the permissions (issue 14): every call declares who may make
// it, a staff call's request carries the token, a duplicate name or a handler of the wrong shape
// does not compile (the @ts-expect-error lines fail `tsc` if that ever stops being true), and
// dispatch checks the role once, from the declaration.
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { openTestCore } from '../helpers/core';
import { calls, callNames, type CallRequest, type KioskApi, type TokenCalls } from '../../shared/ipc/contract';
import type { DuplicateKeys, NoDuplicates } from '../../shared/ipc/common';
import type { Handlers } from '../../electron/core/ipc/context';
import type { todayCalls } from '../../shared/ipc/contract';

describe('the contract', () => {
  it('gives every call a role, and every staff call a token in its request', () => {
    for (const name of callNames) {
      const spec = calls[name];
      expect(['kiosk', 'receptionist', 'site_admin']).toContain(spec.role);
      if (spec.role === 'kiosk') continue;
      const shape = (spec.request as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
      expect(shape.token, name).toBeDefined();
    }
  });

  it('keeps the student flow free of any token', () => {
    for (const name of ['getKioskInfo', 'getStatus', 'scan', 'selectStudent', 'searchStudents', 'record', 'todayEvents', 'getSettings'] as const)
      expect(calls[name].role).toBe('kiosk');
  });
});

describe('dispatch checks the role the call declares, once', () => {
  const disposers: (() => void)[] = [];
  afterEach(() => disposers.splice(0).forEach((d) => d()));

  async function kiosk() {
    const t = openTestCore();
    disposers.push(t.dispose);
    const ok = async (name: string, payload: unknown) => {
      const r = await dispatch(t.core, name, payload);
      if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
      return r.value as Record<string, unknown>;
    };
    await ok('setPin', { role: 'site_admin', pin: '246810' });
    const admin = (await ok('staffUnlock', { pin: '246810' })).token as string;
    await ok('setPin', { token: admin, role: 'receptionist', pin: '1357' });
    const reception = (await ok('staffUnlock', { pin: '1357' })).token as string;
    return { ...t, admin, reception };
  }

  it('lets a receptionist do the Today calls and refuses the site admin ones in the old words', async () => {
    const { core, admin, reception } = await kiosk();
    expect(await dispatch(core, 'staffEvents', { token: reception })).toMatchObject({ ok: true });
    expect(await dispatch(core, 'staffEvents', { token: admin })).toMatchObject({ ok: true });
    expect(await dispatch(core, 'auditLog', { token: reception, limit: 5 })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'Only a site admin can do this.' },
    });
    expect(await dispatch(core, 'auditLog', { token: admin, limit: 5 })).toMatchObject({ ok: true });
  });

  it('refuses an unknown or locked token as a timed-out session, and a missing one as malformed', async () => {
    const { core, admin } = await kiosk();
    const timedOut = { ok: false, error: { code: 'forbidden', message: 'Staff mode has timed out. Enter your PIN again.' } };
    expect(await dispatch(core, 'runDoctor', { token: 'x'.repeat(32) })).toEqual(timedOut);
    expect(await dispatch(core, 'staffLock', { token: admin })).toEqual({ ok: true, value: {} });
    expect(await dispatch(core, 'runDoctor', { token: admin })).toEqual(timedOut);
    expect(await dispatch(core, 'reprintPass', { eventId: 'e1' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('records who did it from the checked role (the audit log names the site admin)', async () => {
    const { core, admin } = await kiosk();
    expect(await dispatch(core, 'acknowledgeRecovery', { token: admin })).toEqual({ ok: true, value: {} });
    const log = await dispatch(core, 'auditLog', { token: admin, limit: 5 });
    expect(log.ok && (log.value as { actor: string; action: string }[]).find((r) => r.action === 'database.recovery_acknowledged')?.actor).toBe('site_admin');
  });
});

// ---- compile-time checks (tsc -p tsconfig.node.json) ----

// A name in two features is an error that names it.
type Twice = DuplicateKeys<[{ scan: 1; a: 1 }, { b: 1 }, { scan: 1 }]>;
// @ts-expect-error 'scan' does not satisfy the constraint 'never'
export type DuplicateRefused = NoDuplicates<Twice>;
export type DisjointAccepted = NoDuplicates<DuplicateKeys<[{ a: 1 }, { b: 1 }]>>;

// A handler answering the wrong shape, or reading a field its request lacks, does not compile.
export const wrongAnswer: Pick<Handlers<typeof todayCalls>, 'finaliseEvent'> = {
  // @ts-expect-error an event is not a number
  finaliseEvent: () => 42,
};
export const wrongField: Pick<Handlers<typeof todayCalls>, 'reprintPass'> = {
  // @ts-expect-error reprintPass has no studentId
  reprintPass: ({ core, role }, req) => core.reprintPass(req.studentId, role),
};

// The role is known from the declaration: a staff handler's is a staff role, never null.
export const roleTyped: Pick<Handlers<typeof todayCalls>, 'reprintPass'> = {
  reprintPass: ({ core, role }, req) => {
    const r: 'receptionist' | 'site_admin' = role;
    return core.reprintPass(req.eventId, r);
  },
};

// window.kiosk is the token calls' view as it stands: no cast in the staff store.
export const asTokenCalls = (api: KioskApi): TokenCalls => api;
// @ts-expect-error a scan has no studentId
export const badScan: CallRequest<'scan'> = { studentId: 'x' };
