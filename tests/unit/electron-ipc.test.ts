// The IPC binding in main: only the kiosk screen is answered, a malformed request comes back as
// `invalid_request`, a good one reaches the real KioskCore, and events reach the screen only in
// the contract's shape.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IPC_CHANNEL_PREFIX, callNames } from '../../shared/ipc/contract';
import { bindKioskIpc, checkSender, forwardKioskEvents, isKioskUrl, type KioskPage } from '../../electron/main/ipc';
import { openTestCore } from '../helpers/core';
import { FakeFrame, FakeWebContents, invokeFrom, ipcHandlers, ipcMain, recordingLogger, resetElectronStub } from './electron-stub';

const INDEX = 'file:///opt/Passdesk/resources/app.asar/dist/renderer/index.html';
const page: KioskPage = { kind: 'file', indexUrl: INDEX };

describe('isKioskUrl', () => {
  it.each([
    [INDEX, true],
    [`${INDEX}#/admin`, true],
    [`${INDEX}?lang=fr`, true],
    ['file:///opt/Passdesk/resources/app.asar/dist/renderer/other.html', false],
    ['file:///tmp/evil/index.html', false],
    ['https://evil.example/dist/renderer/index.html', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isKioskUrl(url, page)).toBe(expected);
  });

  it('accepts any page of the dev server origin, and nothing else', () => {
    const dev: KioskPage = { kind: 'dev', origin: 'http://localhost:5173' };
    expect(isKioskUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isKioskUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isKioskUrl(INDEX, dev)).toBe(false);
  });
});

describe('the IPC binding', () => {
  let t: ReturnType<typeof openTestCore>;
  let contents: FakeWebContents;
  let log: ReturnType<typeof recordingLogger>;
  let unbind: () => void;

  beforeEach(() => {
    resetElectronStub();
    t = openTestCore();
    contents = new FakeWebContents();
    contents.mainFrame = new FakeFrame(INDEX);
    log = recordingLogger();
    unbind = bindKioskIpc({ ipcMain, core: t.core, contents: () => contents, page, log });
  });
  afterEach(() => {
    unbind();
    t.dispose();
  });

  const scan = (sender: { id: number }, frame: FakeFrame | null, payload: unknown) =>
    invokeFrom(sender, frame, `${IPC_CHANNEL_PREFIX}scan`, payload);

  it('registers exactly one handler per contract call, and removes them all', () => {
    expect([...ipcHandlers.keys()].sort()).toEqual(callNames.map((n) => IPC_CHANNEL_PREFIX + n).sort());
    unbind();
    expect(ipcHandlers.size).toBe(0);
    unbind = bindKioskIpc({ ipcMain, core: t.core, contents: () => contents, page, log });
  });

  it('answers the kiosk screen: a badge scan reaches the core', async () => {
    const result = await scan(contents, contents.mainFrame, { code: '100001' });
    expect(result).toMatchObject({ ok: true, value: { ok: true, flow: { student: { id: 'demo-1' } } } });
  });

  it('returns a malformed request as invalid_request, not a throw', async () => {
    expect(await scan(contents, contents.mainFrame, { code: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await scan(contents, contents.mainFrame, { code: '1', extra: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await scan(contents, contents.mainFrame, 'DROP TABLE')).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('refuses a sub-frame of the kiosk window', async () => {
    const child = new FakeFrame(INDEX, contents.mainFrame, contents.mainFrame.processId, 'child-frame');
    expect(await scan(contents, child, { code: '100001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses a frame in another process posing as the main frame', async () => {
    const impostor = new FakeFrame(INDEX, null, 99, contents.mainFrame.frameToken);
    expect(await scan(contents, impostor, { code: '100001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses the main frame once it shows another page', async () => {
    contents.mainFrame.url = 'https://evil.example/';
    expect(await scan(contents, contents.mainFrame, { code: '100001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    contents.mainFrame.url = 'file:///home/kiosk/Downloads/index.html';
    expect(await scan(contents, contents.mainFrame, { code: '100001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(log.lines.filter((l) => l.msg === 'ipc call refused').map((l) => l.fields?.why)).toEqual(['not the kiosk page', 'not the kiosk page']);
  });

  it('refuses another window, a vanished frame, and calls once the window is gone', async () => {
    const other = new FakeWebContents();
    other.mainFrame = new FakeFrame(INDEX);
    expect(await scan(other, other.mainFrame, { code: '100001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await scan(contents, null, { code: '100001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    contents.destroyed = true;
    expect(await scan(contents, contents.mainFrame, { code: '100001' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('never records a refused call in the core; the same call from the screen is recorded', async () => {
    const child = new FakeFrame(INDEX, contents.mainFrame, 7, 'child-frame');
    const record = { studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' };
    expect(await invokeFrom(contents, child, `${IPC_CHANNEL_PREFIX}record`, record)).toMatchObject({ ok: false });
    expect(t.core.todayEvents()).toHaveLength(0);
    expect(await invokeFrom(contents, contents.mainFrame, `${IPC_CHANNEL_PREFIX}record`, record)).toMatchObject({ ok: true });
    expect(t.core.todayEvents()).toHaveLength(1);
  });
});

describe('checkSender', () => {
  it('explains each refusal', () => {
    const contents = new FakeWebContents();
    contents.mainFrame = new FakeFrame(INDEX);
    expect(checkSender({ sender: contents, senderFrame: contents.mainFrame }, contents, page)).toEqual({ trusted: true });
    expect(checkSender({ sender: contents, senderFrame: contents.mainFrame }, null, page)).toEqual({ trusted: false, why: 'no kiosk window' });
  });
});

describe('event forwarding', () => {
  const status = {
    online: true,
    outbox: { pending: 1, failed: 0, oldestPendingAt: null },
    printer: { state: 'ok', problem: null },
    scanner: { state: 'none', problem: null },
    secrets: { backend: 'file', weak: true },
  } as const;

  it('sends core events to the screen on the contract channel', () => {
    const t = openTestCore();
    const contents = new FakeWebContents();
    const stop = forwardKioskEvents(t.core, () => contents, recordingLogger());
    t.core.emit('status', status);
    t.core.emit('scannerCode', { code: '100001' });
    expect(contents.sent).toEqual([
      { channel: `${IPC_CHANNEL_PREFIX}status`, payload: status },
      { channel: `${IPC_CHANNEL_PREFIX}scannerCode`, payload: { code: '100001' } },
    ]);
    stop();
    t.core.emit('scannerCode', { code: '100002' });
    expect(contents.sent).toHaveLength(2);
    t.dispose();
  });

  it('drops a payload that breaks the contract, and anything once the window is gone', () => {
    const t = openTestCore();
    const contents = new FakeWebContents();
    const log = recordingLogger();
    forwardKioskEvents(t.core, () => contents, log);
    t.core.emit('status', { online: 'maybe' } as never);
    expect(contents.sent).toHaveLength(0);
    expect(log.lines.some((l) => l.level === 'error' && l.fields?.event === 'status')).toBe(true);
    contents.destroyed = true;
    t.core.emit('scannerCode', { code: '100001' });
    expect(contents.sent).toHaveLength(0);
    t.dispose();
  });
});
