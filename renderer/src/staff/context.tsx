// The staff store reaches the staff screens through context, as the kiosk's store does, so tests
// and screenshots can hand in their own.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StaffActions, StaffState, StaffStore } from './store';

const StaffContext = createContext<StaffStore | null>(null);

export function StaffProvider({ store, children }: { store: StaffStore; children: ReactNode }) {
  return <StaffContext.Provider value={store}>{children}</StaffContext.Provider>;
}

export function useStaffStore(): StaffStore {
  const store = useContext(StaffContext);
  if (!store) throw new Error('useStaffStore outside StaffProvider');
  return store;
}

export function useStaff<T>(selector: (s: StaffState & StaffActions) => T): T {
  return useStore(useStaffStore(), selector);
}
