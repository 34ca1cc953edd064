// Where staff mode hooks into the kiosk: it owns the staff store, runs the staff idle timeout,
// keeps scans out of the student flow while staff are in, and shows the staff screens instead
// of the student's. When staff mode closes, the kiosk re-reads its settings (name, words,
// timings) so a change made by the site admin is in force for the next student.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { setLocale } from '../i18n';
import { useKioskStore } from '../state/context';
import { StaffProvider } from './context';
import { useScansWhileStaff, useStaffIdle } from './hooks';
import { StaffApp } from './StaffApp';
import { createStaffStore, type StaffStore } from './store';

export function StaffRoot({ children, store }: { children: ReactNode; store?: StaffStore }) {
  const kiosk = useKioskStore();
  const [staff] = useState(() => store ?? createStaffStore(window.kiosk));
  useStaffIdle(staff);
  useScansWhileStaff(kiosk, staff);
  const phase = useStore(staff, (s) => s.phase);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (phase !== 'closed') {
      wasOpen.current = true;
      return;
    }
    if (!wasOpen.current) return;
    wasOpen.current = false;
    void kiosk
      .getState()
      .start()
      .then(() => {
        const locale = kiosk.getState().info?.locale;
        return locale ? setLocale(locale) : undefined;
      });
  }, [phase, kiosk]);
  return <StaffProvider store={staff}>{phase === 'closed' ? children : <StaffApp />}</StaffProvider>;
}
