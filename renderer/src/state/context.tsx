// The store reaches components through context, so tests and screenshots can hand in their own.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { KioskActions, KioskState, KioskStore } from './store';

const StoreContext = createContext<KioskStore | null>(null);

export function StoreProvider({ store, children }: { store: KioskStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useKioskStore(): KioskStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useKioskStore outside StoreProvider');
  return store;
}

export function useKiosk<T>(selector: (s: KioskState & KioskActions) => T): T {
  return useStore(useKioskStore(), selector);
}
