// Issue 13 point 5: the admin screen warns about a badge pattern broad enough to accept a login
// QR code (user name and password, or a sign-in link). A table of patterns and what they risk.
import { describe, expect, it } from 'vitest';
import { messages } from '../../shared/i18n';
import { badgePatternRisks, badgePatternWarning, LOGIN_CODE_SAMPLES, type BadgePatternRisk } from '../../shared/badge-pattern';
import { normaliseScan } from '../../shared/badge';
import { defaultSettings } from '../../shared/defaults';
import { siteSettings } from '../../shared/settings';

const ALL: BadgePatternRisk[] = ['space', 'colon', 'slash', 'at', 'long', 'login'];

describe('badge pattern risks', () => {
  it.each<[string, BadgePatternRisk[]]>([
    // Safe: anchored, a short run of digits or letters.
    ['^\\d{5,10}$', []],
    ['^[0-9]{6}$', []],
    ['^[A-Z]{2}\\d{4,8}$', []],
    ['^[A-Za-z0-9]{4,16}$', []],
    ['^[A-Za-z0-9-]{4,20}$', []],
    ['^(STU|STF)\\d{6}$', []],
    // Broad: anything goes.
    ['.*', ALL],
    ['^.+$', ALL],
    ['', ALL],
    ['^\\S+$', ['colon', 'slash', 'at', 'long', 'login']],
    // Unanchored: "\\d{5}" is found inside any string that holds five digits.
    ['\\d{5,10}', ['space', 'colon', 'slash', 'at', 'long', 'login']],
    // One risky character allowed.
    ['^[A-Za-z0-9 ]{4,20}$', ['space', 'login']],
    ['^[A-Za-z0-9:]{4,30}$', ['colon']],
    ['^[A-Za-z0-9/]{4,20}$', ['slash']],
    ['^[A-Za-z0-9@.]{4,30}$', ['at', 'login']],
    // Long strings.
    ['^\\d+$', ['long']],
    ['^[A-Za-z0-9]{4,}$', ['long']],
    ['^\\w{4,64}$', ['long']],
    // An invalid pattern is the schema's to refuse, not a risk.
    ['^(\\d+$', []],
  ])('%j → %j', (pattern, risks) => {
    expect(badgePatternRisks(pattern)).toEqual(risks);
  });

  it('says nothing about the default pattern, and the default refuses every login sample', () => {
    const pattern = siteSettings.parse(defaultSettings).scanner.badgePattern;
    expect(badgePatternRisks(pattern)).toEqual([]);
    for (const code of LOGIN_CODE_SAMPLES) expect(normaliseScan(code, { badgePattern: pattern, prefix: '', suffix: '' }).ok).toBe(false);
  });

  it('a pattern flagged "login" really lets a login sample through the scan normaliser', () => {
    for (const pattern of ['.*', '^\\S+$', '^[A-Za-z0-9@.]{4,30}$']) {
      expect(badgePatternRisks(pattern)).toContain('login');
      expect(LOGIN_CODE_SAMPLES.some((c) => normaliseScan(c, { badgePattern: pattern, prefix: '', suffix: '' }).ok)).toBe(true);
    }
  });
});

describe('the warning beside the badge-pattern field', () => {
  it('says nothing for a safe pattern; otherwise each risk, and "unanchored" when ^ or $ is missing', () => {
    expect(badgePatternWarning('^\\d{5,10}$')).toEqual([]);
    expect(badgePatternWarning('^[A-Za-z0-9 ]{4,20}$')).toEqual(['space', 'login']);
    expect(badgePatternWarning('\\d{5,10}')).toEqual(['space', 'colon', 'slash', 'at', 'long', 'login', 'unanchored']);
    // Anchoring alone is not a risk: a safe unanchored-looking pattern says nothing.
    expect(badgePatternWarning('^(?:\\d{6})$')).toEqual([]);
  });

  it('has words for every line, the title, the intro and the fix, in both locales', () => {
    for (const locale of ['en-GB', 'en-US'] as const) {
      const words = messages[locale].staff.badgePatternRisk as Record<string, string>;
      for (const key of [...ALL, 'unanchored', 'title', 'intro', 'fix']) expect(words[key], `${locale} ${key}`).toMatch(/\w/);
    }
    expect(messages['en-US'].staff.badgePatternRisk.intro).toMatch(/students/);
    expect(messages['en-GB'].staff.badgePatternRisk.intro).toMatch(/pupils/);
  });
});
