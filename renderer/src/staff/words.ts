// Small pieces of wording shared by the staff screens: a writeback state, a direction, a year.
import type { TFunction } from 'i18next';
import type { StaffEventRow } from '../../../shared/ipc/contract';
import { yearLabel } from '../i18n';

export type StateTone = 'ok' | 'wait' | 'bad' | 'quiet';

/** An outbox state (or none) in the receptionist's words, and how loudly to show it. */
export function writebackWords(t: TFunction, row: Pick<StaffEventRow, 'writeback' | 'event'>): { text: string; tone: StateTone } {
  const state = row.writeback?.state ?? null;
  switch (state) {
    case 'pending':
    case 'in_flight':
      return { text: t('staff.wb.pending'), tone: 'wait' };
    // Issue 12: "Sent" until the register is read back; then "In the register" (or a teacher's change).
    case 'done':
      return { text: t('staff.register.sent'), tone: 'ok' };
    case 'confirmed':
      return { text: t('staff.register.confirmed'), tone: 'ok' };
    case 'changed_in_mis':
      return { text: t('staff.register.changed'), tone: 'quiet' };
    case 'not_sent':
      return { text: t('staff.register.notSent'), tone: 'quiet' };
    case 'failed_permanent':
      return { text: t('staff.wb.failed'), tone: 'bad' };
    case 'skipped_protected':
      return { text: t('staff.wb.protected'), tone: 'quiet' };
    case 'superseded':
      return { text: t('staff.wb.superseded'), tone: 'quiet' };
    default:
      return { text: row.event.skipReason ? t(`staff.skip.${row.event.skipReason}`) : t('staff.wb.none'), tone: 'quiet' };
  }
}

export function directionWords(t: TFunction, direction: 'sign_in' | 'sign_out'): string {
  return direction === 'sign_in' ? t('staff.dir.sign_in') : t('staff.dir.sign_out');
}

export function yearWords(t: TFunction, year: number | null): string {
  return yearLabel(t, year);
}

/** Who recorded it: the kiosk (the student), or a member of staff by role. */
export function actorWords(t: TFunction, actor: string): string {
  if (actor === 'receptionist' || actor === 'site_admin') return t(`staff.role.${actor}`);
  if (actor === 'kiosk') return t('staff.actor.kiosk');
  return actor;
}
