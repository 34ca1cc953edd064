// The timers that keep the kiosk from ever being stuck: the idle timeout on every screen but
// idle, and the countdown that takes Done and "not found" back to the start.
import { useEffect, useState } from 'react';
import type { KioskStore } from './store';

/** Any touch or key counts as someone still being there. */
export function useIdleTimeout(store: KioskStore, idleSeconds: number, screenSeq: number): void {
  useEffect(() => {
    let lastActivity = Date.now();
    const touched = () => {
      lastActivity = Date.now();
    };
    const check = setInterval(() => {
      const { screen } = store.getState();
      if (screen === 'idle' || screen === 'loading') return;
      if (Date.now() - lastActivity >= idleSeconds * 1000) store.getState().reset();
    }, 500);
    document.addEventListener('pointerdown', touched, { capture: true });
    document.addEventListener('keydown', touched, { capture: true });
    return () => {
      clearInterval(check);
      document.removeEventListener('pointerdown', touched, { capture: true });
      document.removeEventListener('keydown', touched, { capture: true });
    };
    // screenSeq: a new screen is activity too, so the timer starts afresh.
  }, [store, idleSeconds, screenSeq]);
}

/** Seconds left until `onEnd`; restarts when `seconds` or `key` change. */
export function useCountdown(seconds: number, onEnd: () => void, key: unknown): number {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    const endAt = Date.now() + seconds * 1000;
    setLeft(seconds);
    const tick = setInterval(() => {
      const remaining = Math.max(0, Math.ceil((endAt - Date.now()) / 1000));
      setLeft(remaining);
      if (remaining === 0) {
        clearInterval(tick);
        onEnd();
      }
    }, 250);
    return () => clearInterval(tick);
    // onEnd is a store action: stable for the store's life.
  }, [seconds, key]);
  return left;
}
