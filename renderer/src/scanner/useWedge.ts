// Wires the wedge detector to the document: every keydown, in the capture phase, before any
// button or field sees it. Scans from a HID POS scanner arrive from main as `scannerCode` events.
import { useEffect } from 'react';
import type { KioskStore } from '../state/store';
import { markScan } from '../perf';
import { WedgeDetector } from './wedge';

export function useWedge(store: KioskStore): void {
  const scanner = store.getState().info?.scanner;
  useEffect(() => {
    if (!scanner) return;
    const detector = new WedgeDetector(scanner);
    let quietTimer: ReturnType<typeof setTimeout> | undefined;

    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      const out = detector.key(e.key, e.timeStamp);
      if (out.swallow) {
        e.preventDefault();
        e.stopPropagation();
      }
      clearTimeout(quietTimer);
      if (out.scan) {
        markScan(e.timeStamp);
        void store.getState().scan(out.scan);
      } else if (detector.collecting) {
        quietTimer = setTimeout(() => {
          const code = detector.quiet();
          if (code) {
            markScan();
            void store.getState().scan(code);
          }
        }, detector.quietMs());
      }
    };
    // keypress and keyup of a swallowed key must not reach a button either.
    const onKeyUp = (e: KeyboardEvent) => {
      if (detector.collecting && [...e.key].length === 1) e.preventDefault();
    };
    document.addEventListener('keydown', onKey, { capture: true });
    document.addEventListener('keyup', onKeyUp, { capture: true });
    const offHid = window.kiosk.on('scannerCode', ({ code }) => {
      markScan();
      void store.getState().scan(code);
    });
    // The listeners are on: a scan from now on is heard. Tests wait for this mark, not for the
    // idle screen, which paints before this effect runs (and long before it on a busy machine).
    document.documentElement.dataset.scanner = 'ready';
    return () => {
      delete document.documentElement.dataset.scanner;
      clearTimeout(quietTimer);
      document.removeEventListener('keydown', onKey, { capture: true });
      document.removeEventListener('keyup', onKeyUp, { capture: true });
      offHid();
    };
  }, [store, scanner]);
}
