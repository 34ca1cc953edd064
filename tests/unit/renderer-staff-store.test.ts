// The staff session store against a real core (dispatch, as the preload would call it): the
// first-run PIN, the keypad, the lockout, the token on every call, and lock forgetting everything.
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { callNames, type KioskApi } from '../../shared/ipc/contract';
import { createStaffStore } from '../../renderer/src/staff/store';
import { openTestCore } from '../helpers/core';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

function setup() {
  const t = openTestCore('2026-11-24T09:12:00Z');
  disposers.push(t.dispose);
  const api = Object.fromEntries(callNames.map((n) => [n, (req: unknown) => dispatch(t.core, n, req)])) as unknown as KioskApi;
  let now = 1_000_000;
  const store = createStaffStore(api, () => now);
  return { ...t, store, tick: (ms: number) => (now += ms) };
}

const type = (store: ReturnType<typeof setup>['store'], pin: string) => [...pin].forEach((d) => store.getState().typeDigit(d));

describe('staff store', () => {
  it('first run: asks for the site admin PIN twice, refuses a mismatch, then opens as site admin', async () => {
    const { store, core } = setup();
    await store.getState().open();
    expect(store.getState()).toMatchObject({ phase: 'setup', message: { key: 'staff.setup.choose' } });
    type(store, '4826');
    await store.getState().submitPin();
    expect(store.getState()).toMatchObject({ firstPin: '4826', pin: '', message: { key: 'staff.setup.again' } });
    type(store, '4827');
    await store.getState().submitPin();
    expect(store.getState()).toMatchObject({ firstPin: null, message: { kind: 'error', key: 'staff.setup.mismatch' } });
    expect(core.staff.pinStatus().site_admin).toBe(false);
    type(store, '4826');
    await store.getState().submitPin();
    type(store, '4826');
    await store.getState().submitPin();
    // Issue 13: the site admin's recovery code is shown once before the session opens.
    expect(store.getState()).toMatchObject({ phase: 'code', role: 'site_admin', recoveryCode: expect.stringMatching(/^\d{12}$/) });
    store.getState().dismissCode();
    expect(store.getState()).toMatchObject({ phase: 'open', role: 'site_admin', view: 'today', recoveryCode: null });
  });

  it('the recovery code opens a locked keypad, asks for a new site admin PIN and shows the next code once', async () => {
    const { store, core, tick } = setup();
    await core.staff.pins.setPin('site_admin', '246810');
    const code = await core.staff.pins.issueRecoveryCode();
    await store.getState().open();
    expect(store.getState()).toMatchObject({ phase: 'pin', canRecover: true });
    for (let i = 0; i < 5; i++) {
      type(store, '0000');
      await store.getState().submitPin();
    }
    expect(store.getState().lockedUntil).toBeGreaterThan(0);
    store.getState().startRecovery();
    expect(store.getState()).toMatchObject({ phase: 'recover', message: { key: 'staff.recovery.prompt' } });
    type(store, '1234'); // too short: nothing is sent
    await store.getState().submitPin();
    expect(store.getState().phase).toBe('recover');
    store.getState().clearPin();
    type(store, code);
    await store.getState().submitPin();
    expect(store.getState()).toMatchObject({ phase: 'setup', recovering: true, role: 'site_admin', lockedUntil: null, message: { key: 'staff.recovery.choose' } });
    tick(1000);
    type(store, '97531');
    await store.getState().submitPin();
    type(store, '97531');
    await store.getState().submitPin();
    expect(store.getState()).toMatchObject({ phase: 'code', recoveryCode: expect.stringMatching(/^\d{12}$/) });
    expect(store.getState().recoveryCode).not.toBe(code);
    store.getState().dismissCode();
    expect(store.getState()).toMatchObject({ phase: 'open', role: 'site_admin' });
    expect((await core.staff.pins.check('97531')).ok).toBe(true);
  });

  it('counts wrong PINs in main’s words, locks the keypad, and a receptionist cannot open admin screens', async () => {
    const { store, core, clock } = setup();
    await core.staff.pins.setPin('site_admin', '246810');
    await core.staff.pins.setPin('receptionist', '1357');
    await store.getState().open();
    expect(store.getState().phase).toBe('pin');
    type(store, '123'); // too short: nothing is sent
    await store.getState().submitPin();
    expect(store.getState().message).toBeNull();
    for (let left = 4; left >= 1; left--) {
      store.getState().clearPin();
      type(store, '0000');
      await store.getState().submitPin();
      expect(store.getState().message?.text).toContain(`${left} ${left === 1 ? 'try' : 'tries'} left`);
    }
    type(store, '0000');
    await store.getState().submitPin();
    expect(store.getState().message?.text).toContain('Too many wrong PINs');
    expect(store.getState().lockedUntil).toBe(1_000_000 + 30_000);
    type(store, '1357');
    await store.getState().submitPin(); // locked: not even sent
    expect(store.getState().phase).toBe('pin');

    clock.set('2026-11-24T09:12:31Z');
    await store.getState().lock();
    await store.getState().open();
    expect(store.getState().lockedUntil).toBeNull();
    type(store, '1357');
    await store.getState().submitPin();
    expect(store.getState()).toMatchObject({ phase: 'open', role: 'receptionist' });
    store.getState().go('settings');
    expect(store.getState().view).toBe('today');
    // Nor the admin area (roster, file export, doctor, support bundle).
    store.getState().go('admin');
    expect(store.getState().view).toBe('today');
  });

  it('sends the token with every call; lock forgets it and main forgets the session', async () => {
    const { store, core } = setup();
    await core.staff.pins.setPin('site_admin', '246810');
    await store.getState().open();
    type(store, '246810');
    await store.getState().submitPin();
    const token = store.getState().token!;
    expect((await store.getState().call('staffEvents', {})).ok).toBe(true);
    store.getState().noteScan({ kind: 'student', studentId: 'demo-3', name: 'Ava Smith', at: 1 });
    await store.getState().lock();
    expect(store.getState()).toMatchObject({ phase: 'closed', token: null, role: null, pin: '', lastScan: null });
    expect((await store.getState().call('staffEvents', {})).ok).toBe(false);
    expect(() => core.staff.require(token, 'receptionist')).toThrow(/timed out/);
  });

  it('a session main has timed out sends the screen back to the keypad, saying why', async () => {
    const { store, core, clock } = setup();
    await core.staff.pins.setPin('site_admin', '246810');
    await store.getState().open();
    type(store, '246810');
    await store.getState().submitPin();
    clock.set('2026-11-24T09:18:00Z');
    const res = await store.getState().call('writebackLog', { filter: {}, offset: 0, limit: 10 });
    expect(res.ok).toBe(false);
    expect(store.getState()).toMatchObject({ phase: 'pin', token: null, message: { kind: 'info', text: expect.stringMatching(/timed out/) } });
  });

  it('asks before leaving unsaved settings, and only goes when told to discard', () => {
    const { store } = setup();
    let left = 0;
    store.getState().setDirty(true);
    store.getState().confirmLeave(() => left++);
    store.getState().resolveLeave(false);
    expect(left).toBe(0);
    store.getState().confirmLeave(() => left++);
    store.getState().resolveLeave(true);
    expect(left).toBe(1);
    expect(store.getState().dirty).toBe(false);
  });
});
