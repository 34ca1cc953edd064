// Issue 17 on paper: the pass names who collects the student and says "see reception" while
// "someone else" waits for approval; the roll call's printed layout fits narrow paper, groups by
// year and form, and speaks the school's locale.
import { describe, expect, it } from 'vitest';
import { passLines } from '../../shared/pass';
import { groupByYearAndForm, rollCallLines, type RollCall } from '../../shared/roll-call';
import { zoePass } from '../fakes/printer/passes';

const texts = (lines: ReturnType<typeof passLines>) => lines.flatMap((l) => (l.kind === 'text' ? [l.text] : []));

describe('the pass and its collector', () => {
  it('prints "Collected by" and, while waiting for approval, "see reception" instead of the message', () => {
    const layout = { columns: 48, showCode: true, showSession: true, checkCode: 'none' as const };
    const ok = texts(passLines(zoePass({ direction: 'sign_out', collectedBy: 'Priya Patel (Mother)', message: 'Hand this pass to the adult collecting you.' }), layout));
    expect(ok.some((t) => /^Collected by\s+Priya Patel \(Mother\)$/.test(t))).toBe(true);
    expect(ok).toContain('Hand this pass to the adult collecting you.');
    const waiting = texts(passLines(zoePass({ direction: 'sign_out', collectedBy: 'Uncle Dev', awaitingApproval: true, message: 'Hand this pass to the adult collecting you.' }), layout));
    expect(waiting).toContain('SEE RECEPTION BEFORE YOU LEAVE');
    expect(waiting).not.toContain('Hand this pass to the adult collecting you.');
    const us = texts(passLines(zoePass({ locale: 'en-US', direction: 'sign_out', collectedBy: 'Uncle Dev', awaitingApproval: true }), layout));
    expect(us.some((t) => t.startsWith('Picked up by'))).toBe(true);
    expect(us.join('\n')).toMatch(/SEE THE FRONT OFFICE/);
  });
});

describe('the roll call on paper', () => {
  const rc: RollCall = {
    at: '2026-11-24T11:00:00.000Z',
    onSite: [
      { studentId: 'b', name: 'Zeller, Bo', year: 9, form: '9C', since: '2026-11-24T09:20:00.000Z' },
      { studentId: 'a', name: 'Abbott, Al', year: 9, form: '9C', since: '2026-11-24T09:10:00.000Z' },
      { studentId: 'c', name: 'Cole, Cy', year: 7, form: '7A', since: '2026-11-24T09:30:00.000Z' },
      { studentId: 'd', name: 'Dee, Di', year: null, form: null, since: '2026-11-24T09:40:00.000Z' },
    ],
    offSite: [{ studentId: 'e', name: 'Evans-Worthington, Elisabeth-Alexandra', year: 10, form: '10B', since: '2026-11-24T10:40:00.000Z', collectedBy: 'Great-grandmother Wilhelmina (Great-grandmother)' }],
  };

  it('groups by year, then form, then name; students with no year last', () => {
    expect(groupByYearAndForm(rc.onSite).map((g) => [g.year, g.form, g.entries.map((e) => e.studentId)])).toEqual([
      [7, '7A', ['c']],
      [9, '9C', ['a', 'b']],
      [null, null, ['d']],
    ]);
  });

  it('fits 58 mm paper (32 columns): every line within the width, long names wrapped under the time', () => {
    const lines = rollCallLines(rc, { schoolName: 'Oakfield Academy', locale: 'en-GB', localDate: '2026-11-24', localTime: '11:00', timeOf: (iso) => iso.slice(11, 16), columns: 32 });
    const text = texts(lines);
    for (const l of lines) if (l.kind === 'text') expect([...l.text].length * l.size).toBeLessThanOrEqual(32);
    expect(text.slice(0, 3)).toEqual(['Oakfield Academy', 'ROLL CALL', 'Tue 24 Nov 11:00']);
    expect(text).toContain('ON SITE - arrived late (4)');
    expect(text).toContain('No year');
    const i = text.findIndex((t) => t.startsWith('10:40'));
    expect(text[i + 1]!.startsWith('       ')).toBe(true);
    expect(text.join(' ')).toMatch(/Great-grandmother/);
  });
});
