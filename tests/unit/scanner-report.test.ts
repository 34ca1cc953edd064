// HID POS report parsing and the code made of it: a table of reports as scanners send them.
import { describe, expect, it } from 'vitest';
import { codeFromData, parseHidPosReport } from '../../electron/core/hardware/scanner/report';
import { reportFromHex } from '../fakes/scanner/hex';
import { recordings } from '../fakes/scanner/recordings';
import type { ReplayStep } from '../fakes/scanner/recordings';

const parse = (hex: string) => parseHidPosReport(reportFromHex(hex));
const text = (data: Uint8Array) => Buffer.from(data).toString('latin1');

describe('parseHidPosReport', () => {
  it.each([
    ['a short badge in a 64-byte flagged report ends the code', "02 0b ']C012345678' 00*45 'jC0' 00 00 00", ']C012345678', 'last'],
    ['byte 63 bit 0 says more data follows', "02 38 '" + 'A'.repeat(56) + "' 'sQ1' 00 00 01", 'A'.repeat(56), 'more'],
    ['a Microscan report the data fills may continue', "01 3e '" + 'B'.repeat(62) + "'", 'B'.repeat(62), 'unknown'],
    ['a 32-byte report the data does not fill ends the code', "02 05 '12345' 00*25", '12345', 'last'],
    ['an empty report is valid and empty', '02 00 00*62', '', 'last'],
  ])('%s', (_label, hex, data, continuation) => {
    const parsed = parse(hex);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(text(parsed.data)).toBe(data);
    expect(parsed.continuation).toBe(continuation);
  });

  it('refuses a length byte larger than the report can hold, saying why', () => {
    const parsed = parse("02 50 ']C087654321' 00*45 'jC0' 00 00 00");
    expect(parsed).toMatchObject({ ok: false, reportId: 2, continuation: 'last' });
    if (parsed.ok) return;
    expect(parsed.reason).toBe('the length byte says 80 data bytes but the 64-byte report has room for 62');
    expect(parsed.reason).not.toContain('87654321');
  });

  it('refuses a report too short for a length byte', () => {
    expect(parse('02')).toMatchObject({ ok: false, reportId: 2, continuation: 'unknown' });
    expect(parseHidPosReport(new Uint8Array(0))).toMatchObject({ ok: false, reportId: null });
  });

  it('keeps reading the "more" flag of a malformed report so the rest of its code is dropped too', () => {
    expect(parse("02 ff '" + 'C'.repeat(56) + "' 'sQ1' 00 00 01")).toMatchObject({ ok: false, continuation: 'more' });
  });
});

describe('codeFromData', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it.each([
    [']C012345678\r', '12345678', ']C0'],
    [']Q1hello\r\n\0\0', 'hello', ']Q1'],
    [']e0010012345678905', '010012345678905', ']e0'],
    ['12345678\n', '12345678', null],
    ['] not an AIM id', '] not an AIM id', null],
    ['\r\n', '', null],
  ])('%j → %j with symbology %j', (raw, code, symbology) => {
    expect(codeFromData(bytes(raw))).toEqual({ code, symbology });
  });

  it('decodes UTF-8 only once the reports are joined, so a character split across two survives', () => {
    const all = bytes(']Q1Zoë Łukasz');
    const cut = all.indexOf(0xc3) + 1; // inside the two bytes of "ë"
    const joined = new Uint8Array([...all.subarray(0, cut), ...all.subarray(cut)]);
    expect(codeFromData(joined).code).toBe('Zoë Łukasz');
  });
});

describe('the recordings themselves', () => {
  it('are 64-byte reports, as recorded from the scanners', () => {
    for (const recording of Object.values(recordings)) {
      const steps: ReplayStep[] = recording.steps;
      for (const step of steps) {
        if (!('report' in step) || step.report.length <= 2) continue;
        expect(reportFromHex(step.report).length, recording.description).toBe(64);
      }
    }
  });
});
