// The admin area's pure rules: the doctor's order (a FAIL first), how an import's outcome reads,
// which counts show, when a refused import can be confirmed, the re-run day picker, the roster
// form's own checks, the code fields that offer the MIS's codes, and the roster form's fields
// against the core's roster config schema (so the two cannot drift apart).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rosterConfig } from '../../electron/core/roster/config';
import {
  blankSource,
  canConfirmLeavers,
  checkRosterDraft,
  describeTargets,
  doctorOrder,
  formatBytes,
  localDay,
  outcomeTone,
  progressShare,
  shiftDay,
  shownCounts,
  sourceKindOf,
  stepShare,
} from '../../renderer/src/staff/admin/logic';
import { OTHER_FIELDS, SCHEDULE_FIELDS, SOURCE_FIELDS } from '../../renderer/src/staff/admin/rosterForm';
import { codeChoices, isCodePath } from '../../renderer/src/staff/settings/codes';

describe('kiosk doctor order', () => {
  it('puts failures first, then notes, fine, not checked; the doctor’s order within each', () => {
    const checks = [
      { id: 'scanner', status: 'ok' },
      { id: 'printer', status: 'skipped' },
      { id: 'mis', status: 'fail' },
      { id: 'clock', status: 'note' },
      { id: 'disk', status: 'fail' },
      { id: 'database', status: 'ok' },
    ] as const;
    expect(doctorOrder([...checks]).map((c) => c.id)).toEqual(['mis', 'disk', 'clock', 'scanner', 'database', 'printer']);
  });
});

describe('roster imports', () => {
  it.each([
    ['applied', 'ok'],
    ['rollover_pending', 'wait'],
    ['running', 'wait'],
    ['refused', 'bad'],
    ['failed', 'bad'],
    ['frozen', 'quiet'],
  ] as const)('an import that ended %s reads as %s', (outcome, tone) => {
    expect(outcomeTone(outcome)).toBe(tone);
  });

  it('shows the counts an admin reads, in order, the rare ones only when they happened, and leaves the rest to the log', () => {
    const counts = { groups: { a: 1 }, leavers: 2, added: 5, received: 9, badgesReleased: 1, skipped: 1, clashes: 0, returned: 0, held: [] };
    expect(shownCounts(counts)).toEqual([
      { key: 'received', value: 9 },
      { key: 'added', value: 5 },
      { key: 'leavers', value: 2 },
      { key: 'skipped', value: 1 },
    ]);
  });

  it('offers "confirm the leavers" only for an import refused over leavers', () => {
    expect(canConfirmLeavers({ outcome: 'refused', counts: { leavers: 40 } })).toBe(true);
    expect(canConfirmLeavers({ outcome: 'refused', counts: { leavers: 0, skipped: 200 } })).toBe(false);
    expect(canConfirmLeavers({ outcome: 'applied', counts: { leavers: 40 } })).toBe(false);
    expect(canConfirmLeavers(null)).toBe(false);
  });

  it('has no share while the total is unknown, and never goes past the end', () => {
    expect(progressShare(null)).toBeNull();
    expect(progressShare({ done: 0, total: null })).toBeNull();
    expect(progressShare({ done: 250, total: 1000 })).toBe(0.25);
    expect(progressShare({ done: 1200, total: 1000 })).toBe(1);
  });
});

describe('re-running a file export day', () => {
  it('steps a day at a time across months and years, never past today', () => {
    expect(shiftDay('2026-03-01', -1, '2026-11-24')).toBe('2026-02-28');
    expect(shiftDay('2026-01-01', -1, '2026-11-24')).toBe('2025-12-31');
    expect(shiftDay('2026-11-23', 1, '2026-11-24')).toBe('2026-11-24');
    expect(shiftDay('2026-11-24', 1, '2026-11-24')).toBe('2026-11-24');
    // The clocks change in London on 25 October: still one day.
    expect(shiftDay('2026-10-26', -1, '2026-11-24')).toBe('2026-10-25');
  });

  it('takes today in the school’s zone, not the kiosk’s', () => {
    expect(localDay('2026-11-24T23:30:00Z', 'Europe/London')).toBe('2026-11-24');
    expect(localDay('2026-11-24T23:30:00Z', 'Australia/Sydney')).toBe('2026-11-25');
    expect(localDay('2026-11-25T03:00:00Z', 'America/Chicago')).toBe('2026-11-24');
  });
});

describe('support bundle', () => {
  it('names USB sticks and the kiosk’s own folder (main lists it last)', () => {
    expect(describeTargets(['/media/usb0', '/media/usb1', '/var/lib/passdesk/support'])).toEqual([
      { path: '/media/usb0', kind: 'usb' },
      { path: '/media/usb1', kind: 'usb' },
      { path: '/var/lib/passdesk/support', kind: 'kiosk' },
    ]);
    expect(describeTargets(['/data/support'])).toEqual([{ path: '/data/support', kind: 'kiosk' }]);
  });

  it.each([
    [512, '512 B'],
    [1536, '1.5 KB'],
    [20_480, '20 KB'],
    [5 * 1024 * 1024, '5 MB'],
  ])('writes %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('roster settings form', () => {
  it('starts each source kind with main’s defaults and a blank path', () => {
    expect(blankSource('none')).toBeNull();
    expect(blankSource('csv')).toEqual({ kind: 'csv', path: '', mapping: null });
    expect(rosterConfig.shape.source.parse(blankSource('wonde'))).toEqual(blankSource('wonde'));
    expect(sourceKindOf({ source: { kind: 'oneroster', path: '/x' } })).toBe('oneroster');
    expect(sourceKindOf({ source: null })).toBe('none');
  });

  it('asks for a path and a month-day summer pause before saving', () => {
    expect(checkRosterDraft({ source: { kind: 'csv', path: ' ' } })).toEqual([{ path: 'source.path', key: 'pathNeeded' }]);
    expect(checkRosterDraft({ source: { kind: 'wonde' }, summerPause: { from: '7-22', to: '08-31' } })).toEqual([{ path: 'summerPause.from', key: 'monthDay' }]);
    expect(checkRosterDraft({ source: { kind: 'csv', path: '/srv/roster.csv' }, summerPause: null })).toEqual([]);
  });

  it('steps the leaver guard in 5 % steps within 0–100 %', () => {
    expect(stepShare(0.25, 5)).toBe(0.3);
    expect(stepShare(0.25, -5)).toBe(0.2);
    expect(stepShare(0.02, -5)).toBe(0);
    expect(stepShare(1, 5)).toBe(1);
  });

  it('has a field for every roster setting the core keeps (drift check)', () => {
    const schema = z.toJSONSchema(rosterConfig, { io: 'input' }) as {
      properties: Record<string, { anyOf?: Variant[]; properties?: Record<string, unknown> }>;
    };
    type Variant = { oneOf?: Variant[]; properties?: Record<string, { enum?: string[] }> };
    expect(Object.keys(schema.properties).sort()).toEqual(['schedule', 'source', ...OTHER_FIELDS].sort());
    // source: a nullable discriminated union (anyOf [oneOf [wonde, csv, oneroster], null]).
    const variants = schema.properties.source!.anyOf!.flatMap((v) => v.oneOf ?? [v]).filter((v) => v.properties);
    expect(variants).toHaveLength(Object.keys(SOURCE_FIELDS).length);
    for (const v of variants) {
      const kind = (v.properties!.kind as unknown as { const: string }).const as keyof typeof SOURCE_FIELDS;
      const core = Object.keys(v.properties!).filter((k) => k !== 'kind' && k !== 'perPage').sort();
      expect(SOURCE_FIELDS[kind].map(([k]) => k).sort(), kind).toEqual(core);
    }
    const wonde = variants.find((v) => (v.properties!.kind as unknown as { const: string }).const === 'wonde')!;
    expect(SOURCE_FIELDS.wonde.find(([k]) => k === 'badgeFrom')![2].enum).toEqual(wonde.properties!.badgeFrom!.enum);
    expect(SCHEDULE_FIELDS.map(([k]) => k).sort()).toEqual(Object.keys(schema.properties.schedule!.properties!).sort());
  });
});

describe('fields that offer the MIS’s codes', () => {
  it.each([
    [['rules', 'lateCode'], true],
    [['rules', 'unauthorisedCode'], true],
    [['rules', 'leaverCode'], true],
    [['rules', 'presentCodes', 'AM'], true],
    [['rules', 'reasons', 2, 'code'], true],
    [['rules', 'protectedCodes'], true],
    [['groups', 1, 'overrides', 'lateCode'], true],
    [['rules', 'reasons', 2, 'label'], false],
    [['mis', 'codeMap'], false],
    [['printer', 'code'], false],
    [['schoolName'], false],
  ] as const)('%j: %s', (path, yes) => {
    expect(isCodePath([...path])).toBe(yes);
  });

  it('lists the codes in the MIS’s order with what the MIS calls them', () => {
    expect(codeChoices([{ code: 'L', description: 'Late (before registers closed)', type: 'present' }, { code: 'U', description: null, type: null }])).toEqual([
      { value: 'L', label: 'L · Late (before registers closed)' },
      { value: 'U', label: 'U' },
    ]);
  });
});
