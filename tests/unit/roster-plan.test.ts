import { describe, expect, it } from 'vitest';
import { planImport, freezePlan, matchSiteGroup, type CurrentStudent } from '../../electron/core/roster/plan';
import type { RosterRecord } from '../../electron/core/roster/model';
import { siteSettings } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import type { Student } from '../../shared/model';

const settings = siteSettings.parse(defaultSettings);

function stu(id: string, over: Partial<Student> = {}): Student {
  return { id, misId: null, forename: 'Ava', surname: id, year: 9, form: '9A', groupId: null, badge: null, photo: null, active: true, ...over };
}
const cur = (id: string, over: Partial<CurrentStudent> = {}): CurrentStudent => ({ ...stu(id), source: 'csv', ...over });
let lineNo = 1;
function rec(id: string, over: Partial<Student> = {}, extra: Partial<RosterRecord> = {}): RosterRecord {
  return { line: ++lineNo, student: stu(id, over), groupName: null, badgeGiven: true, photoGiven: false, ...extra };
}

describe('sync, not replace', () => {
  it('adds new students, updates changed ones, leaves unchanged ones alone', () => {
    const plan = planImport({
      current: [cur('a', { badge: '10001' }), cur('b', { badge: '10002' })],
      incoming: [rec('a', { badge: '10001' }), rec('b', { badge: '10002', surname: 'Renamed', year: 10 }), rec('c', { badge: '10003' })],
      settings,
    });
    expect(plan.added.map((s) => s.id)).toEqual(['c']);
    expect(plan.updated).toHaveLength(1);
    expect(plan.updated[0]!.changed.sort()).toEqual(['surname', 'year']);
    expect(plan.counts).toMatchObject({ added: 1, updated: 1, unchanged: 1, leavers: 0 });
  });

  it('makes a student missing from the source a leaver, but never one added by hand', () => {
    const plan = planImport({
      current: [cur('a'), cur('gone'), cur('visitor', { source: 'manual' }), cur('old', { active: false })],
      incoming: [rec('a')],
      settings,
    });
    expect(plan.leavers.map((s) => s.id)).toEqual(['gone']);
  });

  it('brings a returning student back (inactive → active) and counts them', () => {
    const plan = planImport({ current: [cur('back', { active: false })], incoming: [rec('back')], settings });
    expect(plan.updated[0]!.changed).toContain('active');
    expect(plan.counts.returned).toBe(1);
  });

  it('keeps the photo and badge the kiosk has when the source has no such column', () => {
    const plan = planImport({
      current: [cur('a', { badge: '10001', photo: 'data:image/jpeg;base64,AAA' })],
      incoming: [rec('a', { badge: null, photo: null, year: 10 }, { badgeGiven: false, photoGiven: false })],
      settings,
    });
    expect(plan.updated[0]!.after).toMatchObject({ badge: '10001', photo: 'data:image/jpeg;base64,AAA', year: 10 });
  });

  it('skips a repeated student id as a bad row with its line, and keeps the first', () => {
    const first = rec('a', { surname: 'First' });
    const again = rec('a', { surname: 'Second' });
    const plan = planImport({ current: [], incoming: [first, again], settings });
    expect(plan.added.map((s) => s.surname)).toEqual(['First']);
    expect(plan.issues).toEqual([expect.objectContaining({ line: again.line, severity: 'error', message: expect.stringMatching(/listed again/) })]);
  });

  it('carries the source’s bad rows into the report and counts them as skipped', () => {
    const plan = planImport({
      current: [],
      incoming: [rec('a')],
      sourceIssues: [{ line: 7, severity: 'error', message: '"Year X" is not a year or grade.' }],
      settings,
    });
    expect(plan.counts).toMatchObject({ received: 2, skipped: 1, added: 1 });
    expect(plan.issues[0]).toMatchObject({ line: 7 });
  });
});

describe('badges stay unique', () => {
  it('a badge given to two students: the first row keeps it, the other is imported without it and reported', () => {
    const a = rec('a', { badge: '55555' });
    const b = rec('b', { badge: '55555' });
    const plan = planImport({ current: [], incoming: [a, b], settings });
    expect(plan.added.find((s) => s.id === 'a')!.badge).toBe('55555');
    expect(plan.added.find((s) => s.id === 'b')!.badge).toBeNull();
    expect(plan.counts.clashes).toBe(1);
    expect(plan.issues).toEqual([expect.objectContaining({ line: b.line, studentId: 'b', message: expect.stringMatching(/Badge 55555 of b is also given to a/) })]);
  });

  it('the student who already holds the badge keeps it, even when a newcomer comes first in the file', () => {
    const plan = planImport({
      current: [cur('holder', { badge: '55555' })],
      incoming: [rec('newcomer', { badge: '55555' }), rec('holder', { badge: '55555' })],
      settings,
    });
    expect(plan.added[0]).toMatchObject({ id: 'newcomer', badge: null });
    expect(plan.counts.unchanged).toBe(1);
  });

  it('a clashing student who had another badge keeps their old one', () => {
    const plan = planImport({
      current: [cur('a', { badge: '11111' }), cur('b', { badge: '22222' })],
      incoming: [rec('a', { badge: '11111' }), rec('b', { badge: '11111' })],
      settings,
    });
    expect(plan.counts).toMatchObject({ clashes: 1, unchanged: 2 });
  });

  it('two students swapping badges is not a clash', () => {
    const plan = planImport({
      current: [cur('a', { badge: '11111' }), cur('b', { badge: '22222' })],
      incoming: [rec('a', { badge: '22222' }), rec('b', { badge: '11111' })],
      settings,
    });
    expect(plan.counts.clashes).toBe(0);
    expect(plan.updated.map((u) => [u.after.id, u.after.badge])).toEqual([
      ['a', '22222'],
      ['b', '11111'],
    ]);
  });

  it('a leaver’s badge passes to a new student (reported), a hand-added student’s does not', () => {
    const plan = planImport({
      current: [cur('leaver', { badge: '33333' }), cur('visitor', { badge: '44444', source: 'manual' })],
      incoming: [rec('new1', { badge: '33333' }), rec('new2', { badge: '44444' })],
      settings,
    });
    expect(plan.releasedBadges).toEqual([{ studentId: 'leaver', badge: '33333' }]);
    expect(plan.added.map((s) => s.badge)).toEqual(['33333', null]);
    expect(plan.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/Badge 33333 passed from former student leaver to new1/),
      expect.stringMatching(/Badge 44444 of new2 is held by visitor, added by hand/),
    ]);
  });
});

describe('groups', () => {
  it.each([
    ['sixth-form', 'sixth-form'],
    ['Sixth Form', 'sixth-form'],
    ['sixth form', 'sixth-form'],
    ['Years 7-11', 'years-7-11'],
    ['Boarders', null],
    ['', null],
  ])('the source’s group %j is the site group %j', (name, id) => {
    expect(matchSiteGroup(settings.groups, name)?.id ?? null).toBe(id);
  });

  it('an explicit group wins over the year rule; an unknown one falls back to the year, reported once per name', () => {
    const plan = planImport({
      current: [],
      incoming: [
        rec('y12', { year: 12 }),
        rec('y9-in-6th', { year: 9 }, { groupName: 'Sixth Form' }),
        rec('b1', { year: 8 }, { groupName: 'Boarders' }),
        rec('b2', { year: 8 }, { groupName: 'Boarders' }),
        rec('house', { year: 13 }, { groupHints: ['Red House', 'Sixth Form'] }),
      ],
      settings,
    });
    expect(plan.added.find((s) => s.id === 'y9-in-6th')!.groupId).toBe('sixth-form');
    expect(plan.added.find((s) => s.id === 'house')!.groupId).toBe('sixth-form');
    expect(plan.groups).toEqual({ 'sixth-form': 3, 'years-7-11': 2 });
    const warnings = plan.issues.filter((i) => /not one of this site's groups/.test(i.message));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^2 student\(s\) name the group "Boarders"/);
  });
});

describe('contacts and the summer freeze', () => {
  it('writes only contacts that changed', () => {
    const c = [{ name: 'P Smith', relationship: 'Parent', phone: '07700 900001', email: null, parentalResponsibility: null, priority: null }];
    const plan = planImport({
      current: [cur('a'), cur('b')],
      incoming: [rec('a', {}, { contacts: c }), rec('b', {}, { contacts: c })],
      currentContacts: new Map([['a', JSON.stringify(c)]]),
      settings,
    });
    expect(plan.contacts.map((x) => x.studentId)).toEqual(['b']);
  });

  it('a frozen plan keeps contact changes of known students only, and says what it held back', () => {
    const c = [{ name: null, relationship: null, phone: '07700 900002', email: null, parentalResponsibility: null, priority: null }];
    const plan = planImport({
      current: [cur('a'), cur('gone')],
      incoming: [rec('a', { year: 10 }, { contacts: c }), rec('new', {}, { contacts: c })],
      settings,
    });
    const frozen = freezePlan(plan);
    expect(frozen.added).toEqual([]);
    expect(frozen.updated).toEqual([]);
    expect(frozen.leavers).toEqual([]);
    expect(frozen.contacts.map((x) => x.studentId)).toEqual(['a']);
    expect(frozen.held).toMatchObject({ added: 1, updated: 1, leavers: 1 });
  });
});
