// The kiosk store's flows against a fake window.kiosk: what a student sees next after each tap
// or scan, and that nothing about them is left behind when the kiosk goes back to idle.
import { describe, expect, it } from 'vitest';
import { createKioskStore } from '../../renderer/src/state/store';
import type {
  IpcResult,
  KioskApi,
  KioskInfo,
  RecordResult,
  ScanResult,
  StudentFlow,
} from '../../shared/ipc/contract';

const info: KioskInfo = {
  schoolName: 'Oakfield Academy',
  locale: 'en-GB',
  timeZone: 'Europe/London',
  now: '2026-11-24T09:07:00Z',
  sessions: { AM: { start: '08:30' }, PM: { start: '12:45' } },
  kiosk: { doneSeconds: 6, idleSeconds: 45, showCodeOnDone: false },
  scanner: { prefix: '', suffix: '', maxKeyGapMs: 35, minLength: 4 },
};

function flow(id: string, forename: string, surname: string): StudentFlow {
  return {
    student: { id, forename, surname, year: 9, form: '9C', groupName: null, photo: null },
    suggested: 'sign_in',
    signedInToday: false,
    reasons: {
      sign_in: [
        { id: 'traffic', label: 'Traffic', code: null, prompt: 'none' },
        { id: 'other', label: 'Other', code: null, prompt: 'comment' },
      ],
      sign_out: [{ id: 'unwell', label: 'Unwell, going home', code: 'I', prompt: 'collected_by' }],
    },
    displayName: `${forename} ${surname.slice(0, 1)}.`,
    recent: null,
    arrival: 'late',
    onTimeReason: false,
  };
}

const badges: Record<string, StudentFlow> = {
  '100003': flow('demo-3', 'Ava', 'Smith'),
  '100002': flow('demo-2', 'Maja', 'Patel'),
};
const ok = <T>(value: T): Promise<IpcResult<T>> => Promise.resolve({ ok: true, value });

function fakeApi(overrides: Partial<KioskApi> = {}) {
  const recorded: unknown[] = [];
  const api = {
    getKioskInfo: () => ok(info),
    getStatus: () =>
      ok({
        online: null,
        outbox: { pending: 0, failed: 0, oldestPendingAt: null },
        printer: { state: 'ok', problem: null },
        scanner: { state: 'none', problem: null },
      }),
    scan: ({ code }: { code: string }) =>
      ok<ScanResult>(
        badges[code] ? { ok: true, flow: badges[code]! } : { ok: false, reason: 'unknown_badge' },
      ),
    selectStudent: ({ studentId }: { studentId: string }) =>
      ok(Object.values(badges).find((f) => f.student.id === studentId)!),
    searchStudents: () =>
      ok(
        Array.from({ length: 8 }, (_, i) => ({
          id: `demo-${i}`,
          displayName: `Ava ${String.fromCharCode(65 + i)}.`,
          year: 9,
        })),
      ),
    record: (req: {
      studentId: string;
      direction: 'sign_in' | 'sign_out';
      reasonId: string;
      note?: string;
    }) => {
      recorded.push(req);
      return ok({
        event: { id: 'e1', direction: req.direction, localTime: '09:07', minutesLate: 7 },
        pass: { status: 'printed', problem: null },
        why: '',
      } as unknown as RecordResult);
    },
    todayEvents: () => ok([]),
    getSettings: () => Promise.reject(new Error('not used')),
    updateSettings: () => Promise.reject(new Error('not used')),
    on: () => () => {},
    ...overrides,
  } as unknown as KioskApi;
  return { api, recorded };
}

async function started(overrides: Partial<KioskApi> = {}) {
  const { api, recorded } = fakeApi(overrides);
  const store = createKioskStore(api);
  await store.getState().start();
  return { store, recorded, s: () => store.getState() };
}

describe('kiosk store', () => {
  it('starts on idle once main has answered, and stays on loading with the error when it has not', async () => {
    const { s } = await started();
    expect(s().screen).toBe('idle');
    const broken = await started({
      getKioskInfo: () => Promise.reject(new Error('no main')),
    } as Partial<KioskApi>);
    expect(broken.s().screen).toBe('loading');
    expect(broken.s().startError).toBe('no main');
  });

  it('scan → student (suggested direction chosen) → reason → done, recording the choice', async () => {
    const { s, recorded } = await started();
    await s().scan('100003');
    expect(s().screen).toBe('student');
    expect(s().direction).toBe('sign_in');
    s().chooseDirection('sign_in');
    expect(s().screen).toBe('reason');
    await s().chooseReason(s().flow!.reasons.sign_in[0]!);
    expect(s().screen).toBe('done');
    expect(recorded).toEqual([{ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' }]);
  });

  it('asks for who is collecting, and will not record without it', async () => {
    const { s, recorded } = await started();
    await s().scan('100003');
    s().chooseDirection('sign_out');
    await s().chooseReason(s().flow!.reasons.sign_out[0]!);
    expect(s().screen).toBe('note');
    await s().confirmNote();
    expect(recorded).toHaveLength(0);
    s().setNote('  Mum ');
    await s().confirmNote();
    expect(recorded).toEqual([
      { studentId: 'demo-3', direction: 'sign_out', reasonId: 'unwell', note: 'Mum' },
    ]);
  });

  it('an unknown badge from idle shows the rejected screen without keeping the scanned text', async () => {
    const { s } = await started();
    await s().scan('987654');
    expect(s().screen).toBe('rejected');
    expect(JSON.stringify(s())).not.toContain('987654');
  });

  it('mid-flow: an unknown badge is a notice, another student asks first, the same student changes nothing', async () => {
    const { s } = await started();
    await s().scan('100003');
    s().chooseDirection('sign_in');
    await s().scan('987654');
    expect(s()).toMatchObject({ screen: 'reason', notice: 'unknown_badge' });
    await s().scan('100003');
    expect(s()).toMatchObject({ screen: 'reason', pendingSwitch: null });
    await s().scan('100002');
    expect(s().pendingSwitch?.student.forename).toBe('Maja');
    s().declineSwitch();
    expect(s()).toMatchObject({ screen: 'reason', pendingSwitch: null });
    expect(s().flow?.student.forename).toBe('Ava');
    await s().scan('100002');
    s().acceptSwitch();
    expect(s()).toMatchObject({ screen: 'student', direction: 'sign_in' });
    expect(s().flow?.student.forename).toBe('Maja');
  });

  it('a scan during Done starts the next student at once', async () => {
    const { s } = await started();
    await s().scan('100003');
    s().chooseDirection('sign_in');
    await s().chooseReason(s().flow!.reasons.sign_in[0]!);
    await s().scan('100002');
    expect(s().screen).toBe('student');
    expect(s().flow?.student.forename).toBe('Maja');
  });

  it('a scan while a record is saving waits for it, then starts the next student', async () => {
    let release!: () => void;
    const { s } = await started({
      record: () =>
        new Promise((resolve) => {
          release = () =>
            resolve({
              ok: true,
              value: {
                event: { direction: 'sign_in' },
                pass: { status: 'printed', problem: null },
                why: '',
              } as unknown as RecordResult,
            });
        }),
    } as Partial<KioskApi>);
    await s().scan('100003');
    s().chooseDirection('sign_in');
    const saving = s().chooseReason(s().flow!.reasons.sign_in[0]!);
    const next = s().scan('100002');
    await Promise.resolve();
    expect(s().busy).toBe(true);
    release();
    await saving;
    await next;
    expect(s().screen).toBe('student');
    expect(s().flow?.student.forename).toBe('Maja');
  });

  it('reset clears every trace of the student', async () => {
    const { s } = await started();
    await s().scan('100003');
    s().chooseDirection('sign_out');
    await s().chooseReason(s().flow!.reasons.sign_out[0]!);
    s().setNote('Grandad');
    s().reset();
    expect(s()).toMatchObject({
      screen: 'idle',
      flow: null,
      direction: null,
      reason: null,
      note: '',
      result: null,
      hits: null,
      query: '',
    });
  });

  it('search shows at most five hits, only for two letters or more', async () => {
    const { s } = await started();
    s().openSearch();
    await s().setQuery('A');
    expect(s().hits).toBeNull();
    await s().setQuery('Av');
    expect(s().hits).toHaveLength(5);
    await s().pickHit('demo-2');
    expect(s().screen).toBe('student');
  });

  it('a failed record (core error or transport failure) ends on "see reception", not a frozen screen', async () => {
    const { s } = await started({
      record: () => Promise.reject(new Error('binding gone')),
    } as Partial<KioskApi>);
    await s().scan('100003');
    s().chooseDirection('sign_in');
    await s().chooseReason(s().flow!.reasons.sign_in[0]!);
    expect(s()).toMatchObject({ screen: 'rejected', rejection: { kind: 'error' }, busy: false });
  });

  it('a re-scan soon after signing in pre-selects no direction (the big choice is "That\'s all")', async () => {
    const recent = { ...flow('demo-9', 'Zoe', 'Khan'), suggested: 'sign_out' as const, signedInToday: true, recent: { direction: 'sign_in' as const, localTime: '09:07' } };
    const { s, recorded } = await started({
      scan: () => ok<ScanResult>({ ok: true, flow: recent }),
    } as Partial<KioskApi>);
    await s().scan('100009');
    expect(s()).toMatchObject({ screen: 'student', direction: null });
    s().reset();
    expect(s().screen).toBe('idle');
    expect(recorded).toHaveLength(0);
  });

  it('on time with no reason asked: the direction tap records at once; late still asks why', async () => {
    const onTime = { ...flow('demo-8', 'Leo', 'Park'), arrival: 'on_time' as const };
    const { s, recorded } = await started({
      scan: () => ok<ScanResult>({ ok: true, flow: onTime }),
    } as Partial<KioskApi>);
    await s().scan('100008');
    await s().chooseDirection('sign_in');
    expect(s().screen).toBe('done');
    expect(recorded).toEqual([{ studentId: 'demo-8', direction: 'sign_in' }]);

    // A sign-out, or a school that wants a reason for on-time arrivals, still asks.
    await s().scan('100008');
    await s().chooseDirection('sign_out');
    expect(s().screen).toBe('reason');
    onTime.onTimeReason = true;
    s().reset();
    await s().scan('100008');
    await s().chooseDirection('sign_in');
    expect(s().screen).toBe('reason');
    expect(recorded).toHaveLength(1);
  });

  it('a double tap records once: the second tap, queued behind the first, finds the done screen', async () => {
    const onTime = { ...flow('demo-8', 'Leo', 'Park'), arrival: 'on_time' as const };
    const { s, recorded } = await started({
      scan: ({ code }: { code: string }) => ok<ScanResult>({ ok: true, flow: code === '100008' ? onTime : badges[code]! }),
    } as Partial<KioskApi>);
    await s().scan('100008');
    await Promise.all([s().chooseDirection('sign_in'), s().chooseDirection('sign_in')]);
    expect(s().screen).toBe('done');
    expect(recorded).toHaveLength(1);

    await s().scan('100003'); // late: the reason screen
    await s().chooseDirection('sign_in');
    expect(s().screen).toBe('reason');
    const traffic = s().flow!.reasons.sign_in[0]!;
    await Promise.all([s().chooseReason(traffic), s().chooseReason(traffic)]);
    expect(recorded).toHaveLength(2);
  });

  it('"Sign in" shown on time but tapped after the late time: asks why, as for any late arrival', async () => {
    // Scanned at 09:00:50 (on time), tapped at 09:01:05: the core refuses a sign-in with no reason.
    const before = { ...flow('demo-7', 'Ada', 'Lee'), arrival: 'on_time' as const };
    const after = { ...before, arrival: 'late' as const };
    const { s, recorded } = await started({
      scan: () => ok<ScanResult>({ ok: true, flow: before }),
      selectStudent: () => ok(after),
      record: (req: { reasonId?: string }) => {
        recorded.push(req);
        return Promise.resolve(
          req.reasonId
            ? { ok: true, value: { event: { id: 'e2', direction: 'sign_in', localTime: '09:01', minutesLate: 1 }, pass: { status: 'printed', problem: null }, why: '' } }
            : { ok: false, error: { code: 'invalid_request', message: 'Choose a reason: a late sign-in or an early sign-out needs one.' } },
        );
      },
    } as Partial<KioskApi>);
    await s().scan('100007');
    await s().chooseDirection('sign_in');
    expect(s()).toMatchObject({ screen: 'reason', direction: 'sign_in', busy: false });
    expect(s().flow!.arrival).toBe('late');
    await s().chooseReason(s().flow!.reasons.sign_in[0]!);
    expect(s().screen).toBe('done');
    expect(recorded).toEqual([
      { studentId: 'demo-7', direction: 'sign_in' },
      { studentId: 'demo-7', direction: 'sign_in', reasonId: 'traffic' },
    ]);
  });
});
