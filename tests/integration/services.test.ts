// The kiosk as electron/main composes it, under plain Node: a student signs in, the pass comes
// out of a (emulated) thermal printer over TCP, the mark reaches a (fake) Wonde, and a HID POS
// scanner's code reaches the renderer's event stream.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { secretKeys } from '../../shared/mis';
import { startPrinterEmulator, type PrinterEmulator } from '../fakes/printer/emulator';
import { startFakeWonde, type FakeWonde } from '../fakes/wonde/server';
import { until } from '../fakes/wonde/harness';
import { FakeHidBackend } from '../fakes/scanner/fake-hid';
import { honeywellScanner } from '../fakes/scanner/recordings';
import { reportFromHex } from '../fakes/scanner/hex';

const SCHOOL = 'A1930499544';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function kiosk(opts: { printer: PrinterEmulator; wonde: FakeWonde; hid?: FakeHidBackend }) {
  const t = openTestCore('2026-11-24T09:12:00Z', { secrets: memorySecretStore({ [secretKeys.wondeToken]: 'test-token' }) });
  cleanups.push(t.dispose);
  const s = structuredClone(t.core.getSettings());
  s.printer = { ...s.printer, transport: 'tcp', host: opts.printer.host, port: opts.printer.port, timeoutMs: 2000 };
  s.mis = { connector: 'wonde', domain: `127.0.0.1:${opts.wonde.port}`, schoolId: SCHOOL, requestsPerSecond: 50, protocol: 'http' };
  t.core.updateSettings({ settings: s });
  const hid = opts.hid;
  await t.core.start({ hidBackend: hid ? async () => hid : null });
  cleanups.push(() => t.core.stop());
  return t;
}

describe('kiosk services', () => {
  it('prints the pass over TCP and writes the mark to the MIS once', async () => {
    const printer = await startPrinterEmulator({ columns: 48, lifetimeMs: 30_000 });
    cleanups.push(() => printer.close());
    const wonde = await startFakeWonde({ lifetimeMs: 30_000, schools: [{ id: SCHOOL, students: ['5003'] }] });
    cleanups.push(() => wonde.close());
    const { core } = await kiosk({ printer, wonde });

    const scan = core.scan({ code: '100003' });
    expect(scan.ok).toBe(true);
    const rec = await core.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' });
    expect(rec.pass).toEqual({ status: 'printed', problem: null });

    const [receipt] = await printer.waitForReceipts(1, 5000);
    const paper = receipt!.text();
    expect(paper).toContain('Oakfield Academy');
    expect(paper).toMatch(/09:12/);
    expect(receipt!.qrCodes.join(' ')).toContain(rec.event.id);
    expect(receipt!.cut).toBe(true);

    await until(() => wonde.sessionWritesFor('5003').length > 0, 'the mark reaches Wonde');
    const writes = wonde.sessionWritesFor('5003');
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ date: '2026-11-24', session: 'AM', minutes_late: 12 });
    await until(() => (core.db.prepare(`SELECT state FROM outbox`).get() as { state: string }).state === 'done', 'the outbox row is done');
    expect((await core.getStatus()).online).toBe(true);
  });

  it('keeps the sign-in and says "see reception" when the printer is out of paper', async () => {
    const printer = await startPrinterEmulator({ columns: 48, lifetimeMs: 30_000, condition: { paperOut: true } });
    cleanups.push(() => printer.close());
    const wonde = await startFakeWonde({ lifetimeMs: 30_000, schools: [{ id: SCHOOL, students: ['5003'] }] });
    cleanups.push(() => wonde.close());
    const { core } = await kiosk({ printer, wonde });
    const rec = await core.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' });
    expect(rec.pass.status).toBe('failed');
    expect(rec.pass.problem).toMatch(/paper/i);
    expect(core.events.get(rec.event.id)).not.toBeNull();
    expect((await core.getStatus()).printer).toMatchObject({ state: 'problem' });
    // Nothing comes out later on its own: a late pass would carry the wrong time.
    printer.setCondition({ paperOut: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(printer.receipts).toHaveLength(0);
  });

  it('answers the screen within a few seconds when the printer never answers, and keeps the sign-in', async () => {
    const printer = await startPrinterEmulator({ columns: 48, lifetimeMs: 30_000, mode: 'silent' });
    cleanups.push(() => printer.close());
    const wonde = await startFakeWonde({ lifetimeMs: 30_000, schools: [{ id: SCHOOL, students: ['5003'] }] });
    cleanups.push(() => wonde.close());
    const { core } = await kiosk({ printer, wonde });
    const s = structuredClone(core.getSettings());
    s.printer.timeoutMs = 20_000; // a printer set up with a very patient timeout
    core.updateSettings({ settings: s });
    const rec = await core.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' });
    expect(rec.pass).toEqual({ status: 'failed', problem: 'The printer did not answer in time.' });
    expect(core.events.get(rec.event.id)).not.toBeNull();
  });

  it('forwards a HID POS scanner’s code to the renderer’s event stream', async () => {
    const printer = await startPrinterEmulator({ lifetimeMs: 30_000 });
    cleanups.push(() => printer.close());
    const wonde = await startFakeWonde({ lifetimeMs: 30_000, schools: [{ id: SCHOOL, students: [] }] });
    cleanups.push(() => wonde.close());
    const hid = new FakeHidBackend();
    const device = hid.plug(honeywellScanner);
    const { core } = await kiosk({ printer, wonde, hid });
    const codes: string[] = [];
    core.on('scannerCode', (p) => codes.push(p.code));
    await until(() => hid.openCalls.length > 0, 'the scanner is opened');
    device.send(reportFromHex("02 0a ']C0100003' 0d 00*46 'jC0' 00 00 00"));
    await until(() => codes.length > 0, 'the code arrives');
    expect(codes).toEqual(['100003']);
    expect((await core.getStatus()).scanner.state).toBe('ok');
  });
});

describe('codes from the connected MIS', () => {
  it('fetches the MIS’s codes and then refuses settings that name a code it does not have', async () => {
    const printer = await startPrinterEmulator({ lifetimeMs: 30_000 });
    cleanups.push(() => printer.close());
    const wonde = await startFakeWonde({ lifetimeMs: 30_000, schools: [{ id: SCHOOL, students: [] }] });
    cleanups.push(() => wonde.close());
    const { core } = await kiosk({ printer, wonde });
    const { dispatch } = await import('../../electron/core/ipc/dispatch');
    await dispatch(core, 'setPin', { role: 'site_admin', pin: '246810' });
    const unlocked = (await dispatch(core, 'staffUnlock', { pin: '246810' })) as { ok: true; value: { token: string } };
    const token = unlocked.value.token;
    const fetched = (await dispatch(core, 'misAttendanceCodes', { token, refresh: true })) as { ok: boolean; value: { codes: { code: string }[] } };
    expect(fetched.ok).toBe(true);
    expect(fetched.value.codes.map((c) => c.code)).toEqual(expect.arrayContaining(['L', 'U', 'M']));

    const s = structuredClone(core.getSettings());
    s.rules.lateCode = 'Q';
    const refused = await dispatch(core, 'saveSettings', { token, settings: s });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'rules.lateCode', message: expect.stringContaining('no code "Q"') }] } });
    s.rules.lateCode = 'L';
    expect((await dispatch(core, 'saveSettings', { token, settings: s })).ok).toBe(true);
  });
});
