// Issue 17 in the kiosk store, against a fake window.kiosk: a contact's button records the
// sign-out at once with that contact; "Someone else" goes to the keyboard and sends the typed
// name as "someone else" (the done screen then says "see reception"); Back from the keyboard
// returns to the buttons; a roll call badge shows the roll call whatever was on screen.
import { describe, expect, it } from 'vitest';
import { createKioskStore } from '../../renderer/src/state/store';
import type { IpcResult, KioskApi, KioskInfo, RecordResult, ScanResult, StudentFlow } from '../../shared/ipc/contract';
import type { RollCall } from '../../shared/roll-call';

const info: KioskInfo = {
  schoolName: 'Oakfield Academy',
  locale: 'en-GB',
  timeZone: 'Europe/London',
  now: '2026-11-24T10:15:00Z',
  sessions: { AM: { start: '08:30' }, PM: { start: '12:45' } },
  kiosk: { doneSeconds: 6, idleSeconds: 45, showCodeOnDone: false },
  scanner: { prefix: '', suffix: '', maxKeyGapMs: 35, minLength: 4 },
};

const maja: StudentFlow = {
  student: { id: 'demo-2', forename: 'Maja', surname: 'Patel', year: 8, form: '8C', groupName: null, photo: null },
  suggested: 'sign_out',
  signedInToday: true,
  reasons: { sign_in: [], sign_out: [{ id: 'unwell', label: 'Unwell, going home', code: 'I', prompt: 'collected_by' }] },
  displayName: 'Maja P.',
  recent: null,
  arrival: 'late',
  onTimeReason: false,
  collectors: [
    { index: 0, name: 'Priya Patel', relationship: 'Mother' },
    { index: 1, name: 'Sam Patel', relationship: 'Father' },
  ],
};
const rollCall: RollCall = { at: '2026-11-24T10:15:00.000Z', onSite: [], offSite: [] };
const ok = <T>(value: T): Promise<IpcResult<T>> => Promise.resolve({ ok: true, value });

async function started() {
  const recorded: Record<string, unknown>[] = [];
  const api = {
    getKioskInfo: () => ok(info),
    getStatus: () => ok({ online: null, outbox: { pending: 0, failed: 0, oldestPendingAt: null }, printer: { state: 'ok', problem: null }, scanner: { state: 'none', problem: null } }),
    scan: ({ code }: { code: string }) =>
      ok<ScanResult>(code === '100002' ? { ok: true, flow: maja } : code === 'FIRE' ? { ok: false, reason: 'roll_call', rollCall, printing: true } : { ok: false, reason: 'unknown_badge' }),
    selectStudent: () => ok(maja),
    record: (req: Record<string, unknown>) => {
      recorded.push(req);
      return ok({ event: { id: 'e1', direction: 'sign_out', localTime: '10:15', minutesLate: null }, pass: { status: 'printed', problem: null }, why: '' } as unknown as RecordResult);
    },
    on: () => () => {},
  } as unknown as KioskApi;
  const store = createKioskStore(api);
  await store.getState().start();
  return { recorded, s: () => store.getState() };
}

async function toCollectors(s: Awaited<ReturnType<typeof started>>['s']) {
  await s().scan('100002');
  await s().chooseDirection('sign_out');
  await s().chooseReason(maja.reasons.sign_out[0]!);
  expect(s().screen).toBe('note');
  expect(s().someoneElse).toBe(false);
}

describe('who is collecting you', () => {
  it('a contact’s button records the sign-out with that contact, nothing typed', async () => {
    const { s, recorded } = await started();
    await toCollectors(s);
    await s().chooseCollector(1);
    expect(recorded).toEqual([{ studentId: 'demo-2', direction: 'sign_out', reasonId: 'unwell', collector: { contact: 1 } }]);
    expect(s().screen).toBe('done');
    expect(s().awaitingApproval).toBe(false);
  });

  it('"Someone else" types a name and is sent as someone else; Back returns to the buttons first', async () => {
    const { s, recorded } = await started();
    await toCollectors(s);
    s().chooseSomeoneElse();
    expect(s().someoneElse).toBe(true);
    s().backToStudent();
    expect([s().screen, s().someoneElse]).toEqual(['note', false]);
    s().chooseSomeoneElse();
    s().setNote('Uncle Dev ');
    await s().confirmNote();
    expect(recorded).toEqual([{ studentId: 'demo-2', direction: 'sign_out', reasonId: 'unwell', collector: { someoneElse: 'Uncle Dev' } }]);
    expect([s().screen, s().awaitingApproval]).toEqual(['done', true]);
    s().reset();
    expect([s().someoneElse, s().awaitingApproval]).toEqual([false, false]);
  });

  it('a roll call badge shows the roll call, even in the middle of a student’s flow', async () => {
    const { s, recorded } = await started();
    await toCollectors(s);
    await s().scan('FIRE');
    expect([s().screen, s().rollCall, s().rollCallPrinting, s().flow]).toEqual(['rollcall', rollCall, true, null]);
    expect(recorded).toEqual([]);
    s().reset();
    expect([s().screen, s().rollCall]).toEqual(['idle', null]);
  });
});
