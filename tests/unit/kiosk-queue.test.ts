// The morning queue in the core (issue 15): what the student flow says after a scan (a recent
// mark, on time or late, the name the queue may read), and a sign-in without a reason, which only
// an on-time arrival may make. Also the time keypad's words for a time that is not one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KioskCore, nameForQueue } from '../../electron/core/kiosk';
import { fixedClock } from '../../electron/core/clock';
import { mondayOf } from '../../electron/core/staff/desk';
import { timeProblem } from '../../renderer/src/staff/settings/timeEntry';
import { messages } from '../../shared/i18n';

const AVA = 'demo-3';
const dirs: string[] = [];
const cores: KioskCore[] = [];

function open(at: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-queue-'));
  dirs.push(dataDir);
  const clock = fixedClock(at);
  const core = KioskCore.open({ dataDir, clock });
  cores.push(core);
  return { core, clock };
}

afterEach(() => {
  for (const c of cores.splice(0)) c.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('student flow after a scan', () => {
  it('a scan within the re-scan window reports the last mark; after it, none', async () => {
    const { core, clock } = open('2026-11-24T09:07:00Z');
    expect(core.selectStudent({ studentId: AVA })).toMatchObject({ recent: null, arrival: 'late', displayName: 'Ava S.' });
    await core.record({ studentId: AVA, direction: 'sign_in', reasonId: 'traffic' });
    clock.set('2026-11-24T09:08:00Z');
    expect(core.selectStudent({ studentId: AVA })).toMatchObject({ recent: { direction: 'sign_in', localTime: '09:07' }, suggested: 'sign_out' });
    clock.set('2026-11-24T09:27:00Z');
    expect(core.selectStudent({ studentId: AVA }).recent).not.toBeNull();
    clock.set('2026-11-24T09:28:00Z');
    expect(core.selectStudent({ studentId: AVA }).recent).toBeNull();
  });

  it('rescanMinutes 0 turns the re-scan screen off', async () => {
    const { core } = open('2026-11-24T09:07:00Z');
    core.updateSettings({ settings: { ...core.getSettings(), kioskFlow: { ...core.getSettings().kioskFlow, rescanMinutes: 0 } } });
    await core.record({ studentId: AVA, direction: 'sign_in', reasonId: 'traffic' });
    expect(core.selectStudent({ studentId: AVA }).recent).toBeNull();
  });

  it('names for the queue', () => {
    const s = { forename: 'Ava', surname: 'Smith' };
    expect(nameForQueue(s, 'first_initial')).toBe('Ava S.');
    expect(nameForQueue(s, 'first_name')).toBe('Ava');
    expect(nameForQueue(s, 'full_name')).toBe('Ava Smith');
    expect(nameForQueue({ forename: 'Łukasz', surname: 'Ó Súilleabháin' }, 'first_initial')).toBe('Łukasz Ó.');
    expect(nameForQueue({ forename: 'Madonna', surname: '' }, 'first_initial')).toBe('Madonna');
  });
});

describe('a sign-in without a reason', () => {
  it('is recorded on time, with the present mark and no reason', async () => {
    const { core } = open('2026-11-24T08:55:00Z');
    expect(core.selectStudent({ studentId: AVA })).toMatchObject({ arrival: 'on_time', onTimeReason: false });
    const res = await core.record({ studentId: AVA, direction: 'sign_in' });
    expect(res.event).toMatchObject({ reasonId: null, reasonLabel: null, code: '/', minutesLate: null });
  });

  it('is refused when late, for a sign-out, or when the school asks on-time arrivals for a reason', async () => {
    const { core, clock } = open('2026-11-24T09:07:00Z');
    await expect(core.record({ studentId: AVA, direction: 'sign_in' })).rejects.toThrow(/needs one/);
    clock.set('2026-11-24T08:55:00Z');
    await expect(core.record({ studentId: AVA, direction: 'sign_out' })).rejects.toThrow(/needs one/);
    core.updateSettings({ settings: { ...core.getSettings(), kioskFlow: { ...core.getSettings().kioskFlow, onTimeReason: true } } });
    await expect(core.record({ studentId: AVA, direction: 'sign_in' })).rejects.toThrow(/needs one/);
    expect(core.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 0 });
  });
});

describe('the front desk', () => {
  it('counts lates from the Monday of the week', () => {
    expect(mondayOf('2026-11-24')).toBe('2026-11-23'); // a Tuesday
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23'); // Sunday belongs to the week before
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
  });

  it('the time keypad says what is wrong with what was typed', () => {
    const words = messages['en-GB'].staff.desk;
    const t = (key: string, o?: Record<string, unknown>) => {
      const k = key.replace('staff.desk.', '') as keyof typeof words;
      const count = o?.count as number | undefined;
      const template = (count !== undefined ? words[`${k}_${count === 1 ? 'one' : 'other'}` as keyof typeof words] : words[k]) as string;
      return template.replace(/\{\{(\w+)\}\}/g, (_, n: string) => String(o?.[n]));
    };
    expect(timeProblem(t, '07')).toBe('Type 2 more digits: four in all, such as 0905 for 09:05.');
    expect(timeProblem(t, '079')).toBe('Type 1 more digit: four in all, such as 0905 for 09:05.');
    expect(timeProblem(t, '0799')).toBe('07:99 is not a time: the minutes go from 00 to 59.');
    expect(timeProblem(t, '2400')).toBe('24:00 is not a time: the hours go from 00 to 23.');
    expect(timeProblem(t, '0905')).toBeNull();
  });
});
