// The kiosk's words: both locales have every key with the same placeholders, and each speaks its
// own school's language (a UK student never reads "Grade 9", a US one never reads "MIS").
import { describe, expect, it } from 'vitest';
import { messages } from '../../shared/i18n';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const gb = flatten(messages['en-GB'] as unknown as Tree);
const us = flatten(messages['en-US'] as unknown as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('kiosk words', () => {
  it('en-GB and en-US have the same keys', () => {
    expect([...us.keys()].sort()).toEqual([...gb.keys()].sort());
  });

  it('every string keeps the same placeholders in both locales, and none is empty', () => {
    for (const [key, text] of gb) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(us.get(key)!), key).toEqual(placeholders(text));
    }
  });

  it('plural keys come in pairs (i18next _one/_other)', () => {
    for (const key of gb.keys()) {
      if (key.endsWith('_one')) expect(gb.has(key.replace(/_one$/, '_other')), key).toBe(true);
    }
  });

  it('each locale uses its own school words', () => {
    const all = (m: Map<string, string>) => [...m.values()].join('\n');
    expect(all(gb)).not.toMatch(/\bSIS\b|\bGrade\b|tardy|front office|\bMom\b/i);
    expect(all(us)).not.toMatch(/\bMIS\b|\bYear \{|\bregister\b|\breception\b|\bMum\b|recognised/i);
    expect(gb.get('year.numbered')).toBe('Year {{year}}');
    expect(us.get('year.numbered')).toBe('Grade {{year}}');
  });
});

describe('audit screen words', () => {
  // Every action the kiosk writes to audit_log (electron/core: desk.ts, settings-store.ts,
  // recovery.ts, retention.ts, roster/service.ts). Without a label the screen shows the raw key.
  const actions = [
    'settings.update',
    'settings.unknown_dropped',
    'event.override',
    'event.finalise',
    'writeback.retry',
    'secret.set',
    'pin.set',
    'pin.failed',
    'pin.lockout',
    'pin.recovered',
    'pin.recovery_failed',
    'pin.recovery_code_issued',
    'staff.unlock',
    'roster.rollover.approve',
    'roster.rollover.discard',
    'mis.codes',
    'file_export.run_now',
    'file_export.rerun_day',
    'support.bundle',
    'database.recovered',
    'database.lost',
    'database.recovery_acknowledged',
    'retention.purge',
  ];
  it.each(actions)('%s has a label in en-GB and en-US', (action) => {
    expect(gb.get(`staff.audit.action.${action}`), 'en-GB').toBeTruthy();
    expect(us.get(`staff.audit.action.${action}`), 'en-US').toBeTruthy();
  });
});
