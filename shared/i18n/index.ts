// The kiosk's words by locale. The renderer hands these to i18next; anything else that must
// speak to a student or an admin in their own words (the pass, the CLI) can read them too.
import type { Locale } from '../settings';
import { enGB, type Messages } from './en-GB';
import { enUS } from './en-US';

export type { Messages };
export const messages: Record<Locale, Messages> = { 'en-GB': enGB, 'en-US': enUS };
