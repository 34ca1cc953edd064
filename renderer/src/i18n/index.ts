// i18next wired to the shared word lists. Components only ever call t(): no words in JSX.
import i18next, { type TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { messages } from '../../../shared/i18n';
import type { Locale } from '../../../shared/settings';
import { formatInstant } from '../../../shared/school-time';

export async function startI18n(locale: Locale): Promise<void> {
  await i18next.use(initReactI18next).init({
    lng: locale,
    fallbackLng: 'en-GB',
    resources: {
      'en-GB': { translation: messages['en-GB'] },
      'en-US': { translation: messages['en-US'] },
    },
    // React escapes what it renders; escaping twice would show "&amp;" in names like "O'Brien".
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = locale;
}

export async function setLocale(locale: Locale): Promise<void> {
  if (i18next.language !== locale) await i18next.changeLanguage(locale);
  document.documentElement.lang = locale;
}

/** "Year 9" / "Grade 9", with the words schools use for the years before 1. */
export function yearLabel(t: TFunction, year: number | null): string {
  if (year === null) return '';
  if (year === 0) return t('year.zero');
  if (year < 0) return t('year.nursery');
  return t('year.numbered', { year });
}

/** Wall-clock time in the school's zone: 09:07 in the UK, 9:07 AM in the US. */
export function formatClock(locale: Locale, timeZone: string, at: Date): string {
  const hour12 = locale === 'en-US';
  return formatInstant(at, timeZone, locale, { hour: hour12 ? 'numeric' : '2-digit', minute: '2-digit', hour12 });
}

export function formatDate(locale: Locale, timeZone: string, at: Date): string {
  return formatInstant(at, timeZone, locale, { weekday: 'long', day: 'numeric', month: 'long' });
}

/** "09:07" from the event's local time, shown the locale's way. */
export function formatLocalTime(locale: Locale, hhmm: string): string {
  if (locale !== 'en-US') return hhmm;
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const suffix = h >= 12 ? 'PM' : 'AM';
  return `${((h + 11) % 12) + 1}:${String(m).padStart(2, '0')} ${suffix}`;
}
