// Performance marks for the scan-to-screen benchmark (tests/bench/scan-to-screen.bench.ts):
// from the scanner's last key to the student screen painted. Cheap enough to keep in production,
// and a support engineer can read them from DevTools on a slow kiosk.
export const SCAN_MARK = 'passdesk:scan';
export const PAINT_MARK = 'passdesk:student-painted';
export const SCAN_TO_SCREEN = 'passdesk:scan-to-screen';

/** `startTime` is the keydown's own timeStamp, so time spent before our handler ran counts too. */
export function markScan(startTime?: number): void {
  performance.mark(SCAN_MARK, startTime === undefined ? undefined : { startTime });
}

/** Call when the student screen has rendered: marks once the frame has actually been painted. */
export function markStudentPainted(): void {
  requestAnimationFrame(() => {
    // The rAF callback runs before paint; a task queued from it runs after the frame is out.
    setTimeout(() => {
      if (performance.getEntriesByName(SCAN_MARK, 'mark').length === 0) return;
      performance.mark(PAINT_MARK);
      performance.measure(SCAN_TO_SCREEN, SCAN_MARK, PAINT_MARK);
      performance.clearMarks(SCAN_MARK);
    }, 0);
  });
}
