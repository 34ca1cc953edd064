// The glue between staff mode and the student kiosk underneath it: the staff idle timeout, and
// scans that arrive while staff mode is up (kept out of the student flow, offered to the staff
// screens instead: the scanner test, signing a student by hand).
import { useEffect, useState } from 'react';
import type { KioskStore } from '../state/store';
import type { StaffStore } from './store';

/** The keypad gives up sooner than an unlocked session: nobody types a PIN for a minute. */
export const PIN_IDLE_SECONDS = 60;
/** Lock a little before main would forget the token, so the screen never shows a dead session. */
const MAIN_MARGIN_SECONDS = 5;

export function useStaffIdle(staff: StaffStore): void {
  useEffect(() => {
    let lastActivity = Date.now();
    const touched = () => {
      lastActivity = Date.now();
    };
    const unsubscribe = staff.subscribe((s, prev) => {
      if (s.phase !== prev.phase || s.view !== prev.view) touched();
    });
    const check = setInterval(() => {
      const { phase, idleSeconds } = staff.getState();
      if (phase === 'closed') return;
      // The new recovery code gets the unlocked session's time: it is being copied down.
      const limit = phase === 'open' || phase === 'code' ? Math.max(30, idleSeconds - MAIN_MARGIN_SECONDS) : PIN_IDLE_SECONDS;
      if (Date.now() - lastActivity >= limit * 1000) void staff.getState().lock();
    }, 1000);
    document.addEventListener('pointerdown', touched, { capture: true });
    document.addEventListener('keydown', touched, { capture: true });
    return () => {
      unsubscribe();
      clearInterval(check);
      document.removeEventListener('pointerdown', touched, { capture: true });
      document.removeEventListener('keydown', touched, { capture: true });
    };
  }, [staff]);
}

/**
 * While staff mode is up, a badge scan must not start a student's flow behind it. The kiosk store
 * still reads the scan (same path, same checks); this takes the result, hands it to the staff
 * screens and puts the kiosk back to idle.
 */
export function useScansWhileStaff(kiosk: KioskStore, staff: StaffStore): void {
  useEffect(
    () =>
      kiosk.subscribe((k, prev) => {
        if (staff.getState().phase === 'closed' || k.screen === prev.screen) return;
        if (k.screen === 'student' && k.flow) {
          const s = k.flow.student;
          staff.getState().noteScan({ kind: 'student', studentId: s.id, name: `${s.forename} ${s.surname}`, at: Date.now() });
          k.reset();
        } else if (k.screen === 'rejected') {
          const reason = k.rejection?.kind === 'scan' ? k.rejection.reason : 'error';
          staff.getState().noteScan({ kind: 'rejected', reason, at: Date.now() });
          k.reset();
        } else if (k.screen !== 'idle' && k.screen !== 'loading') {
          k.reset();
        }
      }),
    [kiosk, staff],
  );
}

/** Seconds until an epoch-ms moment, ticking; 0 once it has passed. */
export function useSecondsUntil(until: number | null): number {
  const left = () => (until ? Math.max(0, Math.ceil((until - Date.now()) / 1000)) : 0);
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (!until) return;
    const tick = setInterval(() => setSeconds(left()), 250);
    return () => clearInterval(tick);
    // left() reads only `until`.
  }, [until]);
  return seconds;
}
