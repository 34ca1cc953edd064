// The pass layout (shared/pass.ts): what the paper and the preview both show.
import { describe, expect, it } from 'vitest';
import {
  code128Fits,
  passLines,
  passModel,
  printerSettings,
  wrap,
  type PassLine,
} from '../../shared/pass';
import { siteSettings } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import type { SignEvent } from '../../shared/model';
import { passFromEvent } from '../../electron/core/hardware/printer/from-event';
import { zoeInput } from '../fakes/printer/passes';

const zoe = zoeInput;
const layout = { columns: 48, showCode: true, showSession: true, checkCode: 'qr' as const };
const texts = (lines: PassLine[]) => lines.flatMap((l) => (l.kind === 'text' ? [l.text] : []));

describe('passLines', () => {
  it('shows what a teacher needs to read: who, when, why, the code and the session', () => {
    const lines = passLines(passModel.parse(zoe), layout);
    const t = texts(lines);
    expect(t[0]).toBe('Oakfield Academy');
    expect(t).toContain('LATE SIGN-IN');
    expect(t).toContain('Zoë Łukasz-Nguyễn');
    expect(t).toContain('Year 9 - Form 9B');
    expect(t.join('\n')).toMatch(/Time +09:07 Fri 14 Mar/);
    expect(t).toContain('Late by  7 min');
    expect(t.join('\n')).toMatch(/Reason +Medical appointment/);
    expect(t.join('\n')).toMatch(/Code +M$/m);
    expect(t.join('\n')).toMatch(/Session +AM$/m);
    expect(t).toContain('Go straight to your lesson.');
    expect(lines).toContainEqual({ kind: 'code', symbology: 'qr', data: zoe.eventId });
  });

  it.each([32, 42, 48])('never runs past %i columns, a double-size line counting twice', (columns) => {
    const long = passModel.parse({ ...zoe, surname: 'Łukasz-Nguyễn-Featherstonehaugh-Cholmondeley', reason: 'A very long reason that will certainly need wrapping on narrow paper' });
    for (const l of passLines(long, { ...layout, columns })) {
      if (l.kind === 'text') expect(Array.from(l.text).length * l.size).toBeLessThanOrEqual(columns);
    }
  });

  it('hides the code and the session when the site does not show them', () => {
    const t = texts(passLines(passModel.parse(zoe), { ...layout, showCode: false, showSession: false })).join('\n');
    expect(t).not.toMatch(/^Code/m);
    expect(t).not.toMatch(/^Session/m);
  });

  it('says what kind of pass it is, in the school’s words', () => {
    const out = passModel.parse({ ...zoe, direction: 'sign_out', minutesLate: null, locale: 'en-US' });
    const t = texts(passLines(out, layout));
    expect(t).toContain('EARLY DISMISSAL');
    expect(t).toContain('Grade 9 - Homeroom 9B');
    const onTime = texts(passLines(passModel.parse({ ...zoe, minutesLate: 0 }), layout));
    expect(onTime).toContain('SIGNED IN');
    expect(onTime.join('\n')).not.toMatch(/Late by/);
  });

  it('marks a reprint so its time is not misread', () => {
    const t = texts(passLines(passModel.parse({ ...zoe, reprintedAt: '10:20' }), layout));
    expect(t).toContain('REPRINT 10:20');
  });

  it('uses Code 128 only when the id fits the paper, else QR', () => {
    expect(code128Fits('E12345', 32)).toBe(true);
    expect(code128Fits(zoe.eventId, 48)).toBe(false);
    const short = passLines(passModel.parse({ ...zoe, eventId: 'E12345' }), { ...layout, checkCode: 'code128' });
    expect(short).toContainEqual({ kind: 'code', symbology: 'code128', data: 'E12345' });
    const long = passLines(passModel.parse(zoe), { ...layout, checkCode: 'code128' });
    expect(long).toContainEqual({ kind: 'code', symbology: 'qr', data: zoe.eventId });
    expect(passLines(passModel.parse(zoe), { ...layout, checkCode: 'none' }).some((l) => l.kind === 'code')).toBe(false);
  });

  it('prints what the printer can print when given its fold', () => {
    const t = texts(passLines(passModel.parse(zoe), { ...layout, printable: (s) => s.replace('ễ', 'e') }));
    expect(t).toContain('Zoë Łukasz-Nguyen');
  });

  it('keeps control characters out of the printer stream', () => {
    const t = texts(passLines(passModel.parse({ ...zoe, note: 'Mum\x1b@\x1dV\x00 collected' }), layout));
    expect([...t.join('')].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  });
});

describe('wrap', () => {
  it('breaks between words, then after a hyphen, then hard', () => {
    expect(wrap('Go straight to your lesson.', 12)).toEqual(['Go straight', 'to your', 'lesson.']);
    expect(wrap('Łukasz-Nguyễn', 10)).toEqual(['Łukasz-', 'Nguyễn']);
    expect(wrap('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });
});

describe('passFromEvent', () => {
  const settings = siteSettings.parse(defaultSettings);
  const event: SignEvent = {
    id: 'e1', studentId: 's1', direction: 'sign_out', occurredAt: '2025-03-14T11:00:00Z', localDate: '2025-03-14', localTime: '11:00',
    session: 'AM', reasonId: 'unwell', reasonLabel: 'I - Unwell, going home', code: 'I', minutesLate: null, comment: 'Collected by Mum',
    writeback: true, skipReason: null, actor: 'kiosk', supersedes: null, supersededBy: null, excused: null,
  };

  it('takes the reason’s own pass message first', () => {
    const m = passFromEvent(event, { forename: 'Siobhán', surname: 'Ó Súilleabháin', year: 10, form: '10A', groupId: null }, settings);
    expect(m).toMatchObject({ reason: 'Unwell, going home', code: 'I', note: 'Collected by Mum', message: 'Hand this pass to the adult collecting you.' });
  });

  it('falls back to the student’s group message, then the site’s', () => {
    const e = { ...event, direction: 'sign_in' as const, reasonId: 'traffic', reasonLabel: 'Traffic', code: 'L', comment: null };
    expect(passFromEvent(e, { forename: 'A', surname: 'B', year: 12, form: null, groupId: null }, settings).message).toBe(
      'Sign the sixth-form register in the common room.',
    );
    expect(passFromEvent(e, { forename: 'A', surname: 'B', year: 8, form: null, groupId: null }, settings).message).toBe('Go straight to your lesson.');
  });
});

describe('printerSettings', () => {
  it('defaults to no printer, so a kiosk without one still works', () => {
    expect(printerSettings.parse({})).toMatchObject({ transport: 'none', port: 9100, paperWidth: 80, timeoutMs: 5000 });
  });

  it('asks for what each transport needs, in words an admin understands', () => {
    const r = printerSettings.safeParse({ transport: 'tcp' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/IP address/);
    expect(printerSettings.safeParse({ transport: 'cups', queue: '-oBad' }).success).toBe(false);
    expect(printerSettings.safeParse({ transport: 'cups', queue: 'receipt_58' }).success).toBe(true);
    expect(printerSettings.safeParse({ paperWidth: 72 }).success).toBe(false);
  });
});
