// Real passes over real TCP to the ESC/POS emulator on 127.0.0.1, read back as a person would
// read the paper; and every printer fault as a typed problem, never a throw.
import { afterEach, describe, expect, it } from 'vitest';
import { PassPrinter } from '../../electron/core/hardware/printer';
import { fixedClock } from '../../electron/core/clock';
import { passModel } from '../../shared/pass';
import { siteSettings } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import type { SignEvent, Student } from '../../shared/model';
import { startPrinterEmulator, type EmulatorOptions, type PrinterEmulator } from '../fakes/printer/emulator';
import { zoeInput } from '../fakes/printer/passes';

const zoe = zoeInput;

let emulator: PrinterEmulator | null = null;
afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

async function setUp(options: EmulatorOptions = {}, paperWidth: 58 | 80 = 80, timeoutMs = 2000) {
  emulator = await startPrinterEmulator({ columns: paperWidth === 58 ? 32 : 48, ...options });
  const printer = new PassPrinter({ settings: { transport: 'tcp', host: emulator.host, port: emulator.port, paperWidth, timeoutMs } });
  return { emu: emulator, printer };
}

describe('printing a pass over TCP 9100', () => {
  it.each([58, 80] as const)('a late sign-in reads correctly on %i mm paper, carries the event id and is cut', async (width) => {
    const { emu, printer } = await setUp({}, width);
    await expect(printer.print(passModel.parse(zoe))).resolves.toEqual({ status: 'printed', problem: null });
    const [pass] = await emu.waitForReceipts(1);
    const lines = pass!.lines.map((l) => l.text).filter(Boolean);
    expect(lines[0]).toBe('Oakfield Academy');
    expect(lines).toContain('LATE SIGN-IN');
    expect(lines.join(' ')).toContain('Zoë Łukasz-Nguyen');
    expect(lines).toContain('Year 9 - Form 9B');
    expect(lines.find((l) => l.startsWith('Time'))).toMatch(/09:07/);
    expect(lines.find((l) => l.startsWith('Reason'))).toMatch(/Medical appointment$/);
    expect(lines.find((l) => l.startsWith('Code'))).toMatch(/ M$/);
    expect(lines.find((l) => l.startsWith('Session'))).toMatch(/ AM$/);
    expect(lines).toContain('Go straight to your lesson.');
    expect(pass!.qrCodes).toEqual([zoe.eventId]);
    expect(pass!.cut).toBe(true);
    expect(pass!.unknown).toEqual([]);
    for (const l of pass!.lines) expect(l.columns).toBeLessThanOrEqual(width === 58 ? 32 : 48);
    // The status was checked before the pass was sent.
    expect(emu.statusRequests).toEqual([1, 2, 4]);
  });

  it('prints with little paper left and tells staff to change the roll', async () => {
    const { emu, printer } = await setUp({ condition: { paperNearEnd: true } });
    const out = await printer.print(passModel.parse(zoe));
    expect(out).toEqual({ status: 'printed', problem: 'Paper is running low: change the roll soon.' });
    await emu.waitForReceipts(1);
  });

  it.each([
    [{ paperOut: true }, 'paper_out', 'Out of paper: load a new roll.'],
    [{ coverOpen: true }, 'cover_open', 'The printer cover is open: close it.'],
    [{ fault: true }, 'error', /paper jam or cutter/],
    [{ offline: true }, 'offline', /not answering/],
  ] as const)('does not send the pass when %j, and says why', async (condition, state, problem) => {
    const { emu, printer } = await setUp({ condition });
    const out = await printer.print(passModel.parse(zoe));
    expect(out.status).toBe('failed');
    expect(out.problem).toMatch(problem);
    // Nothing waits in the printer's buffer to come out late once the paper is back.
    expect(emu.held).toEqual([]);
    expect(emu.receipts).toEqual([]);
    const status = await printer.status();
    expect(status.state).toBe(state);
    // Once fixed, the next pass prints; the failed one is not printed late by itself.
    emu.setCondition({ paperOut: false, coverOpen: false, fault: false, offline: false });
    await expect(printer.print(passModel.parse({ ...zoe, eventId: 'next' }))).resolves.toMatchObject({ status: 'printed' });
    const [only] = await emu.waitForReceipts(1);
    expect(only!.qrCodes).toEqual(['next']);
    expect(emu.receipts).toHaveLength(1);
  });

  it('gives up on a printer that accepts the connection but never answers', async () => {
    const { emu, printer } = await setUp({ mode: 'silent' }, 80, 800);
    const out = await printer.print(passModel.parse(zoe));
    expect(out).toMatchObject({ status: 'failed', problem: expect.stringMatching(/not answering/) });
    expect(emu.receipts).toEqual([]);
    await expect(printer.status()).resolves.toMatchObject({ state: 'offline' });
  });

  it('reports a dropped connection and a refused one as offline', async () => {
    const { emu, printer } = await setUp({ mode: 'drop' });
    await expect(printer.print(passModel.parse(zoe))).resolves.toMatchObject({ status: 'failed', problem: expect.stringMatching(/not answering/) });
    await emu.close();
    const refused = await printer.print(passModel.parse(zoe));
    expect(refused).toMatchObject({ status: 'failed', problem: expect.stringMatching(/refused the connection/) });
  });

  it('prints passes one at a time, in order, when several come at once', async () => {
    const { emu, printer } = await setUp();
    const ids = ['a1', 'b2', 'c3', 'd4'];
    const outs = await Promise.all(ids.map((eventId) => printer.print(passModel.parse({ ...zoe, eventId }))));
    expect(outs.every((o) => o.status === 'printed')).toBe(true);
    const receipts = await emu.waitForReceipts(4);
    expect(receipts.map((r) => r.qrCodes[0])).toEqual(ids);
  });

  it('does nothing, quietly, when no printer is set up', async () => {
    const printer = new PassPrinter();
    await expect(printer.print(passModel.parse(zoe))).resolves.toEqual({ status: 'disabled', problem: null });
    await expect(printer.status()).resolves.toMatchObject({ state: 'not_configured' });
  });

  it('tells the idle screen when the printer’s state changes', async () => {
    const { emu, printer } = await setUp();
    const seen: string[] = [];
    printer.onStatus((s) => seen.push(s.state));
    await printer.status();
    emu.setCondition({ paperOut: true });
    await printer.print(passModel.parse(zoe));
    await printer.status();
    expect(seen).toEqual(['ok', 'paper_out']);
  });
});

describe('the KioskCore port', () => {
  const settings = siteSettings.parse(defaultSettings);
  const student: Student = {
    id: 's1', misId: null, forename: 'Siobhán', surname: 'Ó Súilleabháin', year: 10, form: '10A', groupId: null,
    badge: null, photo: null, active: true,
  };
  const event: SignEvent = {
    id: 'ev-1', studentId: 's1', direction: 'sign_in', occurredAt: '2025-03-14T09:07:00Z', localDate: '2025-03-14', localTime: '09:07',
    session: 'AM', reasonId: 'medical', reasonLabel: 'M - Medical appointment', code: 'M', minutesLate: 7, comment: null,
    writeback: true, skipReason: null, actor: 'kiosk', supersedes: null, supersededBy: null, excused: null,
  };

  it('builds the pass from the event, and marks a later reprint as such', async () => {
    emulator = await startPrinterEmulator({ columns: 48 });
    const clock = fixedClock('2025-03-14T09:07:05Z');
    const printer = new PassPrinter({ clock });
    const port = printer.kioskPort();
    const site = { ...settings, printer: { transport: 'tcp', host: emulator.host, port: emulator.port } } as typeof settings;
    await expect(port.print(event, student, site)).resolves.toEqual({ status: 'printed', problem: null });
    clock.set('2025-03-14T10:20:00Z');
    await port.print(event, student, site);
    const [first, reprint] = await emulator.waitForReceipts(2);
    expect(first!.text()).toContain('Siobhán Ó Súilleabháin');
    expect(first!.text()).toMatch(/Reason +Medical appointment/);
    expect(first!.text()).not.toContain('REPRINT');
    // 10:20 UTC is 10:20 in London in March (GMT).
    expect(reprint!.text()).toContain('REPRINT 10:20');
    await expect(port.status()).resolves.toEqual({ state: 'ok', problem: null });
  });

  it('follows the printer settings carried in the site settings', async () => {
    emulator = await startPrinterEmulator({ columns: 32 });
    const printer = new PassPrinter({ clock: fixedClock('2025-03-14T09:07:05Z') });
    const port = printer.kioskPort();
    await expect(port.print(event, student, settings)).resolves.toEqual({ status: 'disabled', problem: null });
    const withPrinter = { ...settings, printer: { transport: 'tcp', host: emulator.host, port: emulator.port, paperWidth: 58 } };
    await expect(port.print(event, student, withPrinter as typeof settings)).resolves.toMatchObject({ status: 'printed' });
    const [pass] = await emulator.waitForReceipts(1);
    for (const l of pass!.lines) expect(l.columns).toBeLessThanOrEqual(32);
    const broken = { ...settings, printer: { transport: 'tcp', host: '' } };
    await expect(port.print(event, student, broken as typeof settings)).resolves.toMatchObject({
      status: 'failed',
      problem: expect.stringMatching(/printer settings are not valid/),
    });
  });
});
