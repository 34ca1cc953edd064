// The settings form's pure parts: every setting has a widget and words in both locales, the
// checks give main's own messages at the right field, locks cover what they lock, and the log
// pages through 100,000 rows keeping only a few pages.
import { describe, expect, it } from 'vitest';
import { messages } from '../../shared/i18n';
import { defaultSettings } from '../../shared/defaults';
import { siteSettings } from '../../shared/settings';
import { addDays, LOG_KEEP_PAGES, LOG_PAGE, LogPages } from '../../renderer/src/staff/logPages';
import { settingsChanges } from '../../renderer/src/staff/settings/diff';
import { blankFor, checkDraft, isOptional, kindOf, lockFor, sectionOf, setIn, settingsSchema, type JsonNode } from '../../renderer/src/staff/settings/schema';
import type { WritebackLogRow } from '../../shared/ipc/contract';

function walk(node: JsonNode, visit: (key: string, node: JsonNode, parent: JsonNode) => void) {
  for (const [k, child] of Object.entries(node.properties ?? {})) {
    visit(k, child, node);
    walk(child, visit);
  }
  for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) walk(alt, visit);
  if (node.items) walk(node.items, visit);
}

describe('settings form', () => {
  const schema = settingsSchema();
  const saved = siteSettings.parse(defaultSettings);

  it('every setting has a widget and a name in both locales', () => {
    const missing: string[] = [];
    walk(schema, (key, node) => {
      expect(kindOf(node).kind, key).not.toBe('unknown');
      for (const locale of ['en-GB', 'en-US'] as const) if (!(key in messages[locale].staff.field)) missing.push(`${locale}: ${key}`);
    });
    expect(missing).toEqual([]);
  });

  it('knows times, codes, choices, lists and which fields may be left out', () => {
    const rules = schema.properties!.rules!;
    expect(kindOf(rules.properties!.sessions!.properties!.AM!.properties!.lateAfter!).kind).toBe('time');
    expect(kindOf(rules.properties!.protectedCodes!).kind).toBe('strings');
    expect(kindOf(rules.properties!.leaverCode!).kind).toBe('nullable');
    expect(kindOf(schema.properties!.mis!)).toMatchObject({ kind: 'variants', key: 'connector' });
    const group = schema.properties!.groups!.items!;
    expect(isOptional(schema, 'groups', [])).toBe(false); // a default: always in the saved settings
    expect(isOptional(group, 'years', ['groups', 0])).toBe(true);
    expect(isOptional(group.properties!.overrides!, 'presentWriteback', ['groups', 0, 'overrides'])).toBe(true);
    expect(isOptional(rules.properties!.reasons!.items!, 'passMessage', ['rules', 'reasons', 0])).toBe(true);
    // A new reason starts valid but for what only the admin can say.
    expect(blankFor(rules.properties!.reasons!.items!)).toEqual({ id: '', label: '', directions: ['sign_in', 'sign_out'], prompt: 'none' });
  });

  it('explains a mistake at its field with the words main uses', () => {
    expect(checkDraft(saved)).toEqual([]);
    const late = setIn(saved, ['rules', 'sessions', 'AM', 'lateAfter'], '08:25');
    expect(checkDraft(late)).toEqual([{ path: 'rules.sessions.AM.lateAfter', message: 'The late time must be at or after the session start.' }]);
    const gap = setIn(saved, ['bellSchedule', 3, 'start'], '10:55');
    expect(checkDraft(gap)[0]).toMatchObject({ path: 'bellSchedule.3.start', message: expect.stringMatching(/gap between Period 2/) });
    const ps = setIn(saved, ['mis'], { connector: 'powerschool', baseUrl: 'https://district.powerschool.com/admin', clientId: 'x', schoolId: '100', schools: [{ schoolId: '100' }] });
    expect(checkDraft(ps).find((i) => i.path === 'mis.baseUrl')?.message).toMatch(/without a path/);
  });

  it('a lock covers its field and everything under it; messages find their section', () => {
    const locks = [{ path: 'rules.sessions', reason: 'District times.', district: 'Northshire' }];
    expect(lockFor(locks, ['rules', 'sessions', 'AM', 'lateAfter'])?.reason).toBe('District times.');
    expect(lockFor(locks, ['rules', 'sessionsX'])).toBeNull();
    const sections = [
      { id: 'writeback', keys: ['rules'] },
      { id: 'reasons', keys: ['rules.reasons'] },
    ];
    expect(sectionOf('rules.reasons.2.label', sections)).toBe('reasons');
    expect(sectionOf('rules.sessions.AM.end', sections)).toBe('writeback');
  });

  it('the audit shows what changed, field by field', () => {
    const after = setIn(setIn(saved, ['rules', 'protectedCodes'], ['/', '\\']), ['schoolName'], 'Oakfield Hall');
    expect(settingsChanges(saved, after)).toEqual([
      { path: 'rules.protectedCodes', before: '["/","\\\\","M"]', after: '["/","\\\\"]' },
      { path: 'schoolName', before: '"Oakfield Academy"', after: '"Oakfield Hall"' },
    ]);
  });
});

describe('writeback log paging', () => {
  const row = (i: number) => ({ eventId: `e${i}` }) as unknown as WritebackLogRow;
  const TOTAL = 100_000;

  it('fetches only the pages asked for, once, and keeps a bounded number', async () => {
    const asked: number[] = [];
    const pages = new LogPages(async (offset, limit) => {
      asked.push(offset);
      return { rows: Array.from({ length: Math.min(limit, TOTAL - offset) }, (_, i) => row(offset + i)), total: TOTAL };
    });
    await pages.ensure(0, 30);
    expect(pages.total).toBe(TOTAL);
    await Promise.all([pages.ensure(0, 30), pages.ensure(10, 50)]);
    expect(asked).toEqual([0]);
    await pages.ensure(LOG_PAGE * 3 - 5, LOG_PAGE * 3 + 5);
    expect(asked).toEqual([0, LOG_PAGE * 2, LOG_PAGE * 3]);
    expect(pages.row(LOG_PAGE * 3 + 1)?.eventId).toBe(`e${LOG_PAGE * 3 + 1}`);
    for (let p = 0; p < 40; p++) await pages.ensure(p * LOG_PAGE * 10, p * LOG_PAGE * 10 + 10);
    expect(pages.loadedPages().length).toBeLessThanOrEqual(LOG_KEEP_PAGES);
    await pages.ensure(TOTAL - 10, TOTAL + 50);
    expect(pages.row(TOTAL - 1)?.eventId).toBe(`e${TOTAL - 1}`);
  });

  it('drops an answer that arrives after the filters changed', async () => {
    let release: () => void = () => {};
    const pages = new LogPages(
      (offset) =>
        new Promise((resolve) => {
          release = () => resolve({ rows: [row(offset)], total: 1 });
        }),
    );
    const pending = pages.ensure(0, 10);
    pages.reset();
    release();
    await pending;
    expect(pages.total).toBeNull();
    expect(pages.row(0)).toBeUndefined();
  });

  it('moves school dates by whole days across months', () => {
    expect(addDays('2026-12-01', -1)).toBe('2026-11-30');
    expect(addDays('2026-11-24', -29)).toBe('2026-10-26');
  });
});
