// The staff session: who is at the desk (receptionist or site admin), the token main gave them,
// and which staff screen is up. Like the kiosk's store it talks to main only through the
// KioskApi it is given, and has no DOM, so every flow is tested without a browser.
//
// What must stay true:
// - Lock forgets everything: the token, the PIN typed so far, anything a screen showed. The
//   next person at the desk starts from the PIN keypad.
// - Main decides who may do what. The role here only picks which screens are offered; every
//   call carries the token, and a refused token ("timed out") locks the screen.
// - A late answer from a session that has since been locked is dropped (`seq`).
import { createStore } from 'zustand/vanilla';
import type { CallResponse, IpcResult, KioskApi, TokenCallName, TokenCalls, TokenlessRequest } from '../../../shared/ipc/contract';

export type StaffRole = 'receptionist' | 'site_admin';
/**
 * closed: the student kiosk is up. pin: the keypad. setup: first run (or after the recovery
 * code), choose the admin PIN. recover: typing the site admin's recovery code. code: a new
 * recovery code on screen, shown once, before the session opens.
 */
export type StaffPhase = 'closed' | 'pin' | 'setup' | 'recover' | 'code' | 'open';
/** admin: the site admin's roster, file export, kiosk doctor and support bundle. */
export type StaffView = 'today' | 'log' | 'settings' | 'admin';

export const PIN_MIN = 4;
export const PIN_MAX = 8;
/** The recovery code's length (electron/core/staff/pins.ts RECOVERY_CODE_DIGITS). */
export const RECOVERY_CODE_LENGTH = 12;

/** What a scan did while staff mode was open (the kiosk's own flow is kept out of sight). */
export type StaffScan = { kind: 'student'; studentId: string; name: string; at: number } | { kind: 'rejected'; reason: string; at: number };

/** A message on the keypad: main's own words, or one of ours by key. */
export type PinMessage = { kind: 'error' | 'info'; text?: string; key?: string };

export interface StaffState {
  phase: StaffPhase;
  view: StaffView;
  role: StaffRole | null;
  token: string | null;
  /** Main's idle limit for a staff session; the screen locks itself a little before it. */
  idleSeconds: number;
  pin: string;
  /** First run: the PIN typed once, waiting to be typed again. */
  firstPin: string | null;
  message: PinMessage | null;
  /** Epoch ms when the keypad opens again after too many wrong PINs. */
  lockedUntil: number | null;
  /** A new recovery code, on screen once (phase 'code'); forgotten as soon as it is dismissed. */
  recoveryCode: string | null;
  /** Setting a new site admin PIN with the recovery code's session (phase 'setup'). */
  recovering: boolean;
  /** The kiosk was set up, lost its data and restored nothing: no first-run set-up here. */
  setupLocked: boolean;
  /** A recovery code exists: the keypad offers it. */
  canRecover: boolean;
  busy: boolean;
  lastScan: StaffScan | null;
  /** Bumped on every lock: answers for an older session are dropped. */
  seq: number;
  /** The settings screen holds changes not saved yet. */
  dirty: boolean;
  /** Where the admin asked to go while `dirty`: waits for "Discard changes?". */
  pendingLeave: (() => void) | null;
}

export interface StaffActions {
  /** The discreet gesture on the idle screen: the keypad, or first-run setup. */
  open(): Promise<void>;
  typeDigit(d: string): void;
  eraseDigit(): void;
  clearPin(): void;
  submitPin(): Promise<void>;
  /** "Use the recovery code" on the keypad. */
  startRecovery(): void;
  /** "I have written it down": the new recovery code leaves the screen for good. */
  dismissCode(): void;
  /** Locks and goes back to the student kiosk. */
  lock(): Promise<void>;
  go(view: StaffView): void;
  noteScan(scan: StaffScan): void;
  setDirty(dirty: boolean): void;
  confirmLeave(next: () => void): void;
  resolveLeave(discard: boolean): void;
  /** A staff call with this session's token. A refused token locks the screen. */
  call<N extends TokenCallName>(name: N, request: TokenlessRequest<N>): Promise<IpcResult<CallResponse<N>>>;
}

export type StaffStore = ReturnType<typeof createStaffStore>;

const cleared = {
  role: null,
  token: null,
  pin: '',
  firstPin: null,
  message: null,
  recoveryCode: null,
  recovering: false,
  busy: false,
  lastScan: null,
  view: 'today',
  dirty: false,
  pendingLeave: null,
} satisfies Partial<StaffState>;

async function invoke<T>(call: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await call();
  } catch (err) {
    return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}

export function createStaffStore(api: KioskApi, now: () => number = Date.now) {
  return createStore<StaffState & StaffActions>()((set, get) => {
    // The calls that carry the session's token, typed so that `call` below adds it without a cast.
    const tokenCalls: TokenCalls = api;

    const lockout = (seconds: number | null) => set({ lockedUntil: seconds && seconds > 0 ? now() + seconds * 1000 : null });

    const refreshPinStatus = async () => {
      const res = await invoke(() => api.staffPinStatus({}));
      if (!res.ok) return null;
      lockout(res.value.lockedForSeconds);
      set({ setupLocked: res.value.setupLocked === true, canRecover: res.value.recoveryCode === true });
      return res.value;
    };

    const unlockWith = async (pin: string, seq: number, recoveryCode?: string) => {
      const res = await invoke(() => api.staffUnlock({ pin }));
      if (get().seq !== seq) return;
      if (res.ok) {
        set({
          ...cleared,
          // A new recovery code is shown before anything else, once.
          phase: recoveryCode ? 'code' : 'open',
          recoveryCode: recoveryCode ?? null,
          role: res.value.role,
          token: res.value.token,
          idleSeconds: res.value.idleSeconds,
          lockedUntil: null,
          view: 'today',
        });
        return;
      }
      set({ pin: '', busy: false, message: { kind: 'error', text: res.error.message } });
      if (res.error.code === 'locked') await refreshPinStatus();
    };

    return {
      phase: 'closed',
      ...cleared,
      idleSeconds: 300,
      lockedUntil: null,
      setupLocked: false,
      canRecover: false,
      seq: 0,

      async open() {
        if (get().phase !== 'closed') return;
        const seq = get().seq;
        set({ ...cleared, phase: 'pin' });
        const status = await refreshPinStatus();
        if (get().seq !== seq) return;
        if (status && !status.site_admin && status.setupLocked) set({ message: { kind: 'error', key: 'staff.recovery.setupLocked' } });
        else if (status && !status.site_admin) set({ phase: 'setup', message: { kind: 'info', key: 'staff.setup.choose' } });
        else if (!status) set({ message: { kind: 'error', key: 'staff.pin.unavailable' } });
      },

      typeDigit(d) {
        const { pin, busy, phase } = get();
        if (busy || !/^\d$/.test(d) || pin.length >= (phase === 'recover' ? RECOVERY_CODE_LENGTH : PIN_MAX)) return;
        set({ pin: pin + d, message: get().message?.kind === 'error' ? null : get().message });
      },

      eraseDigit() {
        set({ pin: get().pin.slice(0, -1) });
      },

      clearPin() {
        set({ pin: '' });
      },

      async submitPin() {
        const { pin, phase, busy, lockedUntil, seq, firstPin, recovering, token, setupLocked } = get();
        if (busy || pin.length < PIN_MIN) return;
        if (phase === 'recover') {
          // The recovery code works during a lockout: that is what it is for.
          if (pin.length !== RECOVERY_CODE_LENGTH) return;
          set({ busy: true });
          const res = await invoke(() => api.staffRecover({ code: pin }));
          if (get().seq !== seq) return;
          if (!res.ok) {
            set({ busy: false, pin: '', message: { kind: 'error', text: res.error.message } });
            return;
          }
          set({
            ...cleared,
            phase: 'setup',
            recovering: true,
            role: res.value.role,
            token: res.value.token,
            idleSeconds: res.value.idleSeconds,
            lockedUntil: null,
            message: { kind: 'info', key: 'staff.recovery.choose' },
          });
          return;
        }
        if (lockedUntil && lockedUntil > now()) return;
        if (phase === 'pin' && setupLocked) return;
        if (phase === 'pin') {
          set({ busy: true });
          await unlockWith(pin, seq);
          return;
        }
        if (phase !== 'setup') return;
        if (firstPin === null) {
          set({ firstPin: pin, pin: '', message: { kind: 'info', key: 'staff.setup.again' } });
          return;
        }
        if (firstPin !== pin) {
          set({ firstPin: null, pin: '', message: { kind: 'error', key: 'staff.setup.mismatch' } });
          return;
        }
        set({ busy: true });
        const res = await invoke(() => api.setPin({ role: 'site_admin', pin, ...(recovering && token ? { token } : {}) }));
        if (get().seq !== seq) return;
        if (!res.ok) {
          set({ busy: false, firstPin: null, pin: '', message: { kind: 'error', text: res.error.message } });
          return;
        }
        // The recovery session has done its job: the new PIN opens a session of its own.
        if (recovering && token) void invoke(() => api.staffLock({ token }));
        await unlockWith(pin, seq, res.value.recoveryCode);
      },

      startRecovery() {
        if (get().phase !== 'pin' || get().busy) return;
        set({ phase: 'recover', pin: '', message: { kind: 'info', key: 'staff.recovery.prompt' } });
      },

      dismissCode() {
        if (get().phase !== 'code') return;
        set({ phase: 'open', recoveryCode: null });
      },

      async lock() {
        const { token, seq } = get();
        // Forget first: whatever main answers, this screen is locked now.
        set({ ...cleared, phase: 'closed', seq: seq + 1 });
        if (token) await invoke(() => api.staffLock({ token }));
      },

      go(view) {
        if (get().phase !== 'open') return;
        if (view !== 'today' && get().role !== 'site_admin') return;
        set({ view });
      },

      noteScan(scan) {
        if (get().phase === 'open') set({ lastScan: scan });
      },

      setDirty(dirty) {
        if (get().dirty !== dirty) set({ dirty });
      },

      confirmLeave(next) {
        set({ pendingLeave: next });
      },

      resolveLeave(discard) {
        const next = get().pendingLeave;
        set({ pendingLeave: null, ...(discard ? { dirty: false } : {}) });
        if (discard && next) next();
      },

      async call(name, request) {
        const { token, seq } = get();
        if (!token) return { ok: false, error: { code: 'forbidden', message: 'Staff mode is locked.' } };
        const send = tokenCalls[name];
        const res = await invoke(() => send({ ...request, token }));
        if (get().seq !== seq) return { ok: false, error: { code: 'forbidden', message: 'Staff mode is locked.' } };
        if (!res.ok && res.error.code === 'forbidden' && /timed out|PIN again/i.test(res.error.message)) {
          // Main forgot this session (idle, restart): back to the keypad, saying why.
          set({ ...cleared, phase: 'pin', seq: seq + 1, message: { kind: 'info', text: res.error.message } });
        }
        return res;
      },
    };
  });
}
