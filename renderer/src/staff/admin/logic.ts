// The admin area's rules, kept pure so they are tested with tables of cases: which doctor checks
// come first, how loud an import's outcome is, which counts an import shows, whether a refused
// import can be confirmed, the day picker's steps, the roster settings a source kind starts with,
// and the checks the roster form makes before main does. No DOM, no i18next.
import type { ImportRunView } from '../../../../shared/ipc/contract';
import type { CheckResult, CheckStatus } from '../../../../shared/fleet';
import { addDays, todayIn } from '../../../../shared/school-time';

export type Tone = 'ok' | 'wait' | 'bad' | 'quiet';

/** A person must act first: failures, then notes, then what is fine, then what was not checked. */
const CHECK_ORDER: Record<CheckStatus, number> = { fail: 0, note: 1, ok: 2, skipped: 3 };

/** The doctor's checks, FAIL first; the doctor's own order stays within each status. */
export function doctorOrder<T extends Pick<CheckResult, 'status'>>(checks: T[]): T[] {
  return checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => CHECK_ORDER[a.c.status] - CHECK_ORDER[b.c.status] || a.i - b.i)
    .map(({ c }) => c);
}

export function checkTone(status: CheckStatus): Tone {
  return status === 'fail' ? 'bad' : status === 'note' ? 'wait' : status === 'ok' ? 'ok' : 'quiet';
}

export type ImportOutcome = ImportRunView['outcome'];

export function outcomeTone(outcome: ImportOutcome): Tone {
  switch (outcome) {
    case 'applied':
      return 'ok';
    case 'running':
    case 'rollover_pending':
      return 'wait';
    case 'refused':
    case 'failed':
      return 'bad';
    default:
      return 'quiet';
  }
}

/** The counts an admin reads, in the order they read them; anything else the run carries stays in the log. */
export const COUNT_KEYS = ['received', 'added', 'updated', 'returned', 'leavers', 'unchanged', 'clashes', 'skipped'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];
/** Rare events: shown when they happened, so the usual import reads as five plain figures. */
const WHEN_ANY: ReadonlySet<CountKey> = new Set(['returned', 'clashes', 'skipped']);

export function shownCounts(counts: Record<string, unknown>): { key: CountKey; value: number }[] {
  return COUNT_KEYS.filter((k) => typeof counts[k] === 'number' && (!WHEN_ANY.has(k) || (counts[k] as number) > 0)).map((k) => ({ key: k, value: counts[k] as number }));
}

/**
 * A refused import that would have made leavers can be run again with the leavers confirmed. An
 * import refused for another reason (no usable students) cannot: the file has to be fixed first.
 */
export function canConfirmLeavers(run: Pick<ImportRunView, 'outcome' | 'counts'> | null): boolean {
  return !!run && run.outcome === 'refused' && typeof run.counts.leavers === 'number' && run.counts.leavers > 0;
}

/** How far a running import is, 0..1, or null while the total is not known yet (reading a file). */
export function progressShare(p: { done: number; total: number | null } | null): number | null {
  if (!p || p.total === null || p.total <= 0) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}

/** "2026-11-24" moved by whole days, never past `latest` (a day that has not happened cannot be re-run). */
export function shiftDay(day: string, delta: number, latest: string): string {
  const next = addDays(day, delta);
  return next > latest ? latest : next;
}

/** The school's date ("YYYY-MM-DD") at an instant, in its own time zone. */
export function localDay(iso: string, timeZone: string): string {
  return todayIn(timeZone, iso);
}

/** 1536 → "1.5 KB": the size of a support bundle, for the admin to judge a USB stick by. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let n = bytes / 1024;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n >= 10 ? Math.round(n) : Math.round(n * 10) / 10} ${units[u]}`;
}

/** Support bundle places: main lists USB sticks first and the kiosk's own folder last. */
export function describeTargets(paths: string[]): { path: string; kind: 'usb' | 'kiosk' }[] {
  return paths.map((p, i) => ({ path: p, kind: i === paths.length - 1 ? 'kiosk' : 'usb' }));
}

// ---- roster settings ------------------------------------------------------------------------

export type RosterSourceKind = 'none' | 'wonde' | 'csv' | 'oneroster';
export const SOURCE_KINDS: RosterSourceKind[] = ['none', 'wonde', 'csv', 'oneroster'];

export function sourceKindOf(config: Record<string, unknown>): RosterSourceKind {
  const kind = (config.source as { kind?: string } | null | undefined)?.kind;
  return kind === 'wonde' || kind === 'csv' || kind === 'oneroster' ? kind : 'none';
}

/** The source a kind starts with: main's defaults, and a blank path for the admin to type. */
export function blankSource(kind: RosterSourceKind): Record<string, unknown> | null {
  switch (kind) {
    case 'wonde':
      return { kind, photos: false, contacts: true, badgeFrom: 'mis_id', perPage: 200 };
    case 'csv':
      return { kind, path: '', mapping: null };
    case 'oneroster':
      return { kind, path: '', schoolSourcedId: null };
    default:
      return null;
  }
}

/** The leaver guard in 5 % steps, 0–100 %. */
export function stepShare(share: number, deltaPercent: number): number {
  const pct = Math.round(share * 100 / 5) * 5 + deltaPercent;
  return Math.min(100, Math.max(0, pct)) / 100;
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export type RosterIssueKey = 'pathNeeded' | 'monthDay';

/**
 * What the roster form can tell before main does (main checks everything again on save): a file
 * source needs its path, and the summer pause is written month-day.
 */
export function checkRosterDraft(draft: Record<string, unknown>): { path: string; key: RosterIssueKey }[] {
  const issues: { path: string; key: RosterIssueKey }[] = [];
  const source = draft.source as { kind?: string; path?: unknown } | null | undefined;
  if ((source?.kind === 'csv' || source?.kind === 'oneroster') && (typeof source.path !== 'string' || source.path.trim() === '')) {
    issues.push({ path: 'source.path', key: 'pathNeeded' });
  }
  const pause = draft.summerPause as { from?: unknown; to?: unknown } | null | undefined;
  if (pause) {
    for (const end of ['from', 'to'] as const) {
      if (typeof pause[end] !== 'string' || !MONTH_DAY.test(pause[end] as string)) issues.push({ path: `summerPause.${end}`, key: 'monthDay' });
    }
  }
  return issues;
}
