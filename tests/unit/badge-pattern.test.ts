// Issue 13 point 5: the admin screen warns about a badge pattern broad enough to accept a login
// QR code (user name and password, or a sign-in link). A table of patterns and what they risk.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { BadgePatternWarning } from '../../renderer/src/staff/settings/BadgePatternWarning';
import { messages } from '../../shared/i18n';
import { setLocale, startI18n } from '../../renderer/src/i18n';
import { badgePatternRisks, LOGIN_CODE_SAMPLES, type BadgePatternRisk } from '../../shared/badge-pattern';
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
  beforeAll(async () => {
    // startI18n sets the page's lang attribute; a bare stand-in is enough here.
    (globalThis as { document?: unknown }).document ??= { documentElement: {} };
    await startI18n('en-GB');
  });
  const render = (pattern: string) => renderToStaticMarkup(createElement(BadgePatternWarning, { pattern }));

  it('says nothing for a safe pattern', () => {
    expect(render('^\\d{5,10}$')).toBe('');
  });

  it('names each risk in the admin’s words, in both locales', async () => {
    for (const locale of ['en-GB', 'en-US'] as const) {
      await setLocale(locale);
      expect(i18next.language).toBe(locale);
      const words = messages[locale].staff.badgePatternRisk;
      const html = render('^[A-Za-z0-9 ]{4,20}$');
      expect(html).toContain(words.title);
      expect(html).toContain(words.space);
      expect(html).toContain(words.login);
      expect(html).not.toContain(words.colon);
      expect(html).not.toContain(words.unanchored);
      expect(render('\\d{5,10}')).toContain(words.unanchored);
    }
  });
});
