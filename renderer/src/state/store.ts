// The kiosk's one store: which screen is up, the student in front of the kiosk, and what they
// chose. It talks to main only through the KioskApi it is given (window.kiosk in the app, a fake
// in unit tests) and has no DOM, so every flow can be tested without a browser.
//
// What must stay true:
// - No dead ends: every screen has a way back to idle, and reset() always gets there.
// - A student's data leaves the screen (and this store) on reset: nothing lingers for the next.
// - Scans and records run one at a time, in order: a scan that lands while a record is being
//   saved is handled after it, never lost and never mixed into the other student's flow.
import { createStore } from 'zustand/vanilla';
import type {
  IpcResult,
  KioskApi,
  KioskInfo,
  KioskStatus,
  ReasonView,
  RecordResult,
  StudentFlow,
} from '../../../shared/ipc/contract';
import type { ScanRejection, SearchHit } from '../../../shared/model';
import type { Direction } from '../../../shared/settings';
import type { CollectorChoice, RollCall } from '../../../shared/roll-call';

/** rollcall (issue 17): a roll call badge was scanned; the list is on screen and on its way to the printer. */
export type Screen = 'loading' | 'idle' | 'student' | 'reason' | 'note' | 'done' | 'rejected' | 'search' | 'rollcall';

/** What went wrong, in the words the rejected screen uses. The scanned text is never kept. */
export type Rejection = { kind: 'scan'; reason: ScanRejection } | { kind: 'error' };

export type Notice = 'unknown_badge' | 'error' | null;

/** At most this many forgot-badge results: enough to find yourself, too few to browse the roll. */
export const MAX_SEARCH_HITS = 5;
/** Shorter queries would list half the school. */
export const MIN_SEARCH_LENGTH = 2;

export interface KioskState {
  screen: Screen;
  /** Bumped on every change of screen, so timers restart and late answers can tell they are stale. */
  screenSeq: number;
  info: KioskInfo | null;
  startError: string | null;
  status: KioskStatus | null;
  flow: StudentFlow | null;
  direction: Direction | null;
  reason: ReasonView | null;
  note: string;
  result: RecordResult | null;
  rejection: Rejection | null;
  /** A different student's badge scanned mid-flow: the kiosk asks before switching. */
  pendingSwitch: StudentFlow | null;
  notice: Notice;
  query: string;
  hits: SearchHit[] | null;
  busy: boolean;
  // ---- issue 17 ----
  /** The roll call a roll call badge brought up, and whether the core is printing it. */
  rollCall: RollCall | null;
  rollCallPrinting: boolean;
  /** "Someone else" tapped at "Who is collecting you?": the name is typed next. */
  someoneElse: boolean;
  /** The sign-out just recorded waits for reception to approve who collects (done screen). */
  awaitingApproval: boolean;
}

export interface KioskActions {
  start(): Promise<void>;
  scan(code: string): Promise<void>;
  chooseDirection(direction: Direction): Promise<void>;
  chooseReason(reason: ReasonView): Promise<void>;
  setNote(note: string): void;
  confirmNote(): Promise<void>;
  backToStudent(): void;
  openSearch(): void;
  setQuery(query: string): Promise<void>;
  pickHit(studentId: string): Promise<void>;
  acceptSwitch(): void;
  declineSwitch(): void;
  dismissNotice(): void;
  setStatus(status: KioskStatus): void;
  refreshStatus(): Promise<void>;
  /** Back to idle, forgetting the student: the idle timeout, "Not me", "Finish". */
  reset(): void;
  // ---- issue 17 ----
  /** A contact's button at "Who is collecting you?": records the sign-out at once. */
  chooseCollector(index: number): Promise<void>;
  /** "Someone else": type who it is (reception approves). */
  chooseSomeoneElse(): void;
}

export type KioskStore = ReturnType<typeof createKioskStore>;

/** An on-time sign-in at a school that asks no reason for one is recorded on the direction's tap. */
export function signInNeedsNoReason(flow: StudentFlow, direction: Direction): boolean {
  return direction === 'sign_in' && flow.arrival !== 'late' && !flow.onTimeReason;
}

const cleared = {
  flow: null,
  direction: null,
  reason: null,
  note: '',
  result: null,
  rejection: null,
  pendingSwitch: null,
  notice: null,
  query: '',
  hits: null,
  busy: false,
  rollCall: null,
  rollCallPrinting: false,
  someoneElse: false,
  awaitingApproval: false,
} satisfies Partial<KioskState>;

/** A transport failure (main gone, binding dropped) becomes an error value like any other. */
async function invoke<T>(call: () => Promise<IpcResult<T>>): Promise<IpcResult<T>> {
  try {
    return await call();
  } catch (err) {
    return {
      ok: false,
      error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
    };
  }
}

export function createKioskStore(api: KioskApi) {
  // One queue for scans and records (see the header).
  let queue: Promise<void> = Promise.resolve();
  const serial = (job: () => Promise<void>): Promise<void> => {
    queue = queue.then(job, job);
    return queue;
  };
  let searchSeq = 0;

  return createStore<KioskState & KioskActions>()((set, get) => {
    const go = (screen: Screen, patch: Partial<KioskState> = {}) =>
      set((s) => ({ ...patch, screen, screenSeq: s.screenSeq + 1 }));

    // A re-scan soon after the last mark pre-selects nothing: the big choice is "That's all".
    const showFlow = (flow: StudentFlow) =>
      go('student', { ...cleared, flow, direction: flow.recent ? null : flow.suggested });

    // `seq`: the screen the tap was made on. A record queued behind another job (a double tap, a
    // scan) runs only if that screen is still showing: never a second sign-in from one screen.
    const record = async (note: string | undefined, seq: number, collector?: CollectorChoice) => {
      const { flow, direction, reason } = get();
      if (!flow || !direction || get().screenSeq !== seq) return;
      if (!reason && !signInNeedsNoReason(flow, direction)) return;
      set({ busy: true, notice: null });
      const res = await invoke(() =>
        api.record({
          studentId: flow.student.id,
          direction,
          ...(reason ? { reasonId: reason.id } : {}),
          ...(note ? { note } : {}),
          ...(collector ? { collector } : {}),
        }),
      );
      if (get().flow?.student.id !== flow.student.id) return; // reset while saving: drop the answer
      if (res.ok) {
        go('done', { ...cleared, flow, direction, reason, result: res.value, awaitingApproval: !!collector && 'someoneElse' in collector });
        void get().refreshStatus();
        return;
      }
      if (!reason) {
        // The screen said "Sign in" (on time) at the scan, but the late time passed before the
        // tap (scanned at 09:00:50, tapped at 09:01:05): the core refuses a late sign-in without
        // a reason. Ask why, as for any late arrival, rather than send the queue to reception.
        const fresh = await invoke(() => api.selectStudent({ studentId: flow.student.id }));
        if (get().flow?.student.id !== flow.student.id) return;
        if (fresh.ok && !signInNeedsNoReason(fresh.value, direction)) {
          go('reason', { ...cleared, flow: fresh.value, direction });
          return;
        }
      }
      go('rejected', { ...cleared, rejection: { kind: 'error' } });
    };

    return {
      screen: 'loading',
      screenSeq: 0,
      info: null,
      startError: null,
      status: null,
      ...cleared,

      async start() {
        const info = await invoke(() => api.getKioskInfo({}));
        if (!info.ok) {
          set({ startError: info.error.message });
          return;
        }
        set({ info: info.value, startError: null });
        go('idle', cleared);
        await get().refreshStatus();
      },

      scan(code) {
        return serial(async () => {
          const at = get().screen;
          if (at === 'loading') return;
          const res = await invoke(() => api.scan({ code }));
          const s = get();
          const midFlow = s.screen === 'student' || s.screen === 'reason' || s.screen === 'note';
          if (!res.ok) {
            if (midFlow) set({ notice: 'error' });
            else go('rejected', { ...cleared, rejection: { kind: 'error' } });
            return;
          }
          const scan = res.value;
          if (!scan.ok && scan.reason === 'roll_call') {
            // Issue 17: in a fire the roll call comes first, whatever was on screen.
            go('rollcall', { ...cleared, rollCall: scan.rollCall, rollCallPrinting: scan.printing });
            return;
          }
          if (!scan.ok) {
            // Mid-flow, an unknown badge must not throw away what this student has chosen.
            if (midFlow) set({ notice: 'unknown_badge' });
            else go('rejected', { ...cleared, rejection: { kind: 'scan', reason: scan.reason } });
            return;
          }
          if (midFlow) {
            if (scan.flow.student.id === s.flow?.student.id) set({ notice: null, pendingSwitch: null });
            else set({ pendingSwitch: scan.flow });
            return;
          }
          showFlow(scan.flow);
        });
      },

      async chooseDirection(direction) {
        const { flow, busy } = get();
        if (!flow || busy) return;
        if (signInNeedsNoReason(flow, direction)) {
          // On time, and the school asks no reason: one tap signs the student in.
          set({ direction, reason: null, note: '', notice: null });
          const seq = get().screenSeq;
          await serial(() => record(undefined, seq));
          return;
        }
        go('reason', { direction, reason: null, note: '', notice: null });
      },

      async chooseReason(reason) {
        if (get().busy) return;
        if (reason.prompt === 'none') {
          set({ reason });
          const seq = get().screenSeq;
          await serial(() => record(undefined, seq));
          return;
        }
        go('note', { reason, note: '', notice: null, someoneElse: false });
      },

      setNote(note) {
        set({ note: note.slice(0, 200) });
      },

      async confirmNote() {
        const { reason, note, busy } = get();
        if (!reason || busy) return;
        const trimmed = note.trim();
        if (reason.prompt === 'collected_by' && !trimmed) return;
        const seq = get().screenSeq;
        if (get().someoneElse) {
          await serial(() => record(undefined, seq, { someoneElse: trimmed }));
          return;
        }
        await serial(() => record(trimmed || undefined, seq));
      },

      async chooseCollector(index) {
        if (get().busy || get().screen !== 'note') return;
        const seq = get().screenSeq;
        await serial(() => record(undefined, seq, { contact: index }));
      },

      chooseSomeoneElse() {
        if (get().busy || get().screen !== 'note') return;
        set({ someoneElse: true, note: '', notice: null });
      },

      backToStudent() {
        const { flow, screen } = get();
        if (!flow) return get().reset();
        // From typing "someone else", back to the contacts' buttons.
        if (screen === 'note' && get().someoneElse) set({ someoneElse: false, note: '', notice: null });
        else if (screen === 'note') go('reason', { reason: null, note: '', notice: null });
        else go('student', { reason: null, note: '', notice: null });
      },

      openSearch() {
        go('search', { ...cleared });
      },

      async setQuery(query) {
        const seq = ++searchSeq;
        set({ query: query.slice(0, 40) });
        const q = query.trim();
        if (q.length < MIN_SEARCH_LENGTH) {
          set({ hits: null });
          return;
        }
        const res = await invoke(() => api.searchStudents({ query: q }));
        // Only the answer to the latest keystroke counts, and only while search is on screen.
        if (seq !== searchSeq || get().screen !== 'search') return;
        set(
          res.ok
            ? { hits: res.value.slice(0, MAX_SEARCH_HITS), notice: null }
            : { hits: [], notice: 'error' },
        );
      },

      pickHit(studentId) {
        return serial(async () => {
          if (get().screen !== 'search') return;
          const res = await invoke(() => api.selectStudent({ studentId }));
          if (get().screen !== 'search') return;
          if (res.ok) showFlow(res.value);
          else set({ notice: 'error' });
        });
      },

      acceptSwitch() {
        const next = get().pendingSwitch;
        if (next) showFlow(next);
      },

      declineSwitch() {
        set({ pendingSwitch: null });
      },

      dismissNotice() {
        set({ notice: null });
      },

      setStatus(status) {
        set({ status });
      },

      async refreshStatus() {
        const res = await invoke(() => api.getStatus({}));
        if (res.ok) set({ status: res.value });
      },

      reset() {
        searchSeq++;
        if (get().screen === 'loading') return;
        go('idle', cleared);
      },
    };
  });
}
