// The writeback log's rows, fetched a page at a time as the list scrolls: 100,000 rows never
// cross the IPC boundary at once, and only the pages near the screen are kept. Pure (no DOM, no
// React), so the paging is unit-tested on its own.
import type { WritebackLogRow } from '../../../shared/ipc/contract';
import { addDays, todayIn } from '../../../shared/school-time';

export const LOG_PAGE = 200;
/** Pages kept in memory; the ones furthest from the last request go first. */
export const LOG_KEEP_PAGES = 12;

export type FetchPage = (offset: number, limit: number) => Promise<{ rows: WritebackLogRow[]; total: number } | null>;

export class LogPages {
  total: number | null = null;
  failed = false;
  private pages = new Map<number, WritebackLogRow[]>();
  private inflight = new Set<number>();
  private generation = 0;
  private listeners = new Set<() => void>();

  constructor(private readonly fetch: FetchPage) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  row(index: number): WritebackLogRow | undefined {
    return this.pages.get(Math.floor(index / LOG_PAGE))?.[index % LOG_PAGE];
  }

  /** Forget everything (new filters, a retry): the next ensure() starts again from the top. */
  reset(): void {
    this.generation++;
    this.pages.clear();
    this.inflight.clear();
    this.total = null;
    this.failed = false;
    this.emit();
  }

  /** Load the pages that hold rows `from`..`to` (inclusive) unless they are loaded or on their way. */
  async ensure(from: number, to: number): Promise<void> {
    const first = Math.floor(Math.max(0, from) / LOG_PAGE);
    const last = this.total === null ? first : Math.floor(Math.max(0, Math.min(to, this.total - 1)) / LOG_PAGE);
    const wanted: number[] = [];
    for (let p = first; p <= last; p++) if (!this.pages.has(p) && !this.inflight.has(p)) wanted.push(p);
    const generation = this.generation;
    await Promise.all(
      wanted.map(async (p) => {
        this.inflight.add(p);
        const res = await this.fetch(p * LOG_PAGE, LOG_PAGE);
        if (generation !== this.generation) return; // filters changed meanwhile: drop
        this.inflight.delete(p);
        if (!res) {
          this.failed = true;
        } else {
          this.failed = false;
          this.total = res.total;
          this.pages.set(p, res.rows);
          this.evict(p);
        }
        this.emit();
      }),
    );
  }

  loadedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b);
  }

  private evict(near: number): void {
    while (this.pages.size > LOG_KEEP_PAGES) {
      const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near))[0]!;
      this.pages.delete(far);
    }
  }

  private emit(): void {
    this.listeners.forEach((l) => l());
  }
}

/** "2026-11-24" in the school's zone for an instant. */
export function schoolDate(at: Date, timeZone: string): string {
  return todayIn(timeZone, at);
}

/** A school-local date moved by whole days: "2026-11-24" + -6 → "2026-11-18" (shared/school-time.ts). */
export { addDays };
