// Pass → ESC/POS bytes → the emulator's interpreter → what a person reads on the paper.
import { describe, expect, it } from 'vitest';
import { codepagesFor, renderPass } from '../../electron/core/hardware/printer/render';
import { passHtml, passHeightMicrons } from '../../electron/core/hardware/printer/html';
import { printerSettings, type PrinterSettingsInput } from '../../shared/pass';
import { parseEscPos } from '../fakes/printer/escpos';
import { zoePass } from '../fakes/printer/passes';

const zoe = zoePass();

function paper(settings: PrinterSettingsInput, model = zoe) {
  const s = printerSettings.parse(settings);
  const r = renderPass(model, s);
  if (!r.ok) throw new Error(r.problem);
  const receipts = parseEscPos(r.bytes, s.paperWidth === 58 ? 32 : 48);
  expect(receipts).toHaveLength(1);
  return receipts[0]!;
}

describe('renderPass', () => {
  it.each([
    [58, 32],
    [80, 48],
  ] as const)('prints a whole, readable pass on %i mm paper', (width, columns) => {
    const r = paper({ paperWidth: width });
    const text = r.text();
    expect(text).toMatch(/^Oakfield Academy/);
    expect(text).toContain('LATE SIGN-IN');
    // ë and Ł are in cp437 / cp852; ễ is in no common code page and reads as e.
    expect(text.replace(/\n(?=Łukasz)/, ' ')).toContain('Zoë Łukasz-Nguyen');
    expect(text).toMatch(/Reason +Medical appointment/);
    expect(text).toMatch(/Code +M/);
    expect(text).toMatch(/Session +AM/);
    expect(r.qrCodes).toEqual([zoe.eventId]);
    expect(r.cut).toBe(true);
    expect(r.unknown).toEqual([]);
    for (const line of r.lines) expect(line.columns).toBeLessThanOrEqual(columns);
    const title = r.lines.find((l) => l.text === 'LATE SIGN-IN')!;
    expect(title).toMatchObject({ bold: true, width: 2, height: 2, align: 'center' });
    expect(r.lines.find((l) => l.text.startsWith('Zoë'))).toMatchObject({ bold: true, width: 2 });
  });

  it('prints Nguyễn as written on a printer model that has a Vietnamese code page', () => {
    expect(paper({ model: 'epson-tm-t88vi' }).text()).toContain('Zoë Łukasz-Nguyễn');
  });

  it('prints a Code 128 of a short id, readable back as the id', () => {
    const r = paper({ checkCode: 'code128', paperWidth: 58 }, { ...zoe, eventId: 'E20250314-7' });
    expect(r.barcodes).toEqual([{ symbology: 'code128', data: 'E20250314-7' }]);
  });

  it('only switches to code pages the printer has', () => {
    expect(codepagesFor({ model: null, codepages: null })).toEqual(['cp437', 'cp858', 'cp852', 'cp866']);
    expect(codepagesFor({ model: 'epson-tm-t88vi', codepages: ['cp437', 'cp852'] })).toEqual(['cp437', 'cp852']);
    expect(codepagesFor({ model: 'no-such-printer', codepages: null })).toMatch(/not one Passdesk knows/);
    expect(codepagesFor({ model: null, codepages: ['cp999'] })).toMatch(/Unknown code page cp999/);
  });

  it('refuses impossible settings with a message instead of throwing', () => {
    const r = renderPass(zoe, printerSettings.parse({ model: 'no-such-printer' }));
    expect(r.ok).toBe(false);
  });

  it('leaves the pass uncut when the printer has no cutter', () => {
    expect(paper({ cut: 'none' }).cut).toBe(false);
  });
});

describe('passHtml (OS driver fallback)', () => {
  it('carries the same lines, escaped, on a page sized for the roll', () => {
    const s = printerSettings.parse({ paperWidth: 58 });
    const r = renderPass({ ...zoe, note: '<script>x</script>' }, s);
    if (!r.ok) throw new Error(r.problem);
    const html = passHtml(r.lines, 58, 32);
    expect(html).toContain('Oakfield Academy');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain(zoe.eventId);
    const h = passHeightMicrons(r.lines, 58, 32);
    expect(h).toBeGreaterThan(50_000);
    expect(h).toBeLessThan(297_000); // never an A4 page
  });
});
