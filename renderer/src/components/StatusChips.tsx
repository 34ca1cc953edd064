// Quiet chips on the idle screen: enough for staff to see at a glance that something needs them,
// nothing a student needs to read.
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../state/context';

type Chip = { key: string; tone: 'warn' | 'bad'; text: string };

export function StatusChips() {
  const { t } = useTranslation();
  const status = useKiosk((s) => s.status);
  if (!status) return null;
  const chips: Chip[] = [];
  if (status.online === false) chips.push({ key: 'offline', tone: 'warn', text: t('status.offline') });
  if (status.outbox.failed > 0)
    chips.push({ key: 'failed', tone: 'bad', text: t('status.failed', { count: status.outbox.failed }) });
  if (status.outbox.pending > 0)
    chips.push({ key: 'waiting', tone: 'warn', text: t('status.waiting', { count: status.outbox.pending }) });
  // Quiet unless something waits beyond the confirmation window (the read-back is failing or behind).
  if ((status.outbox.sentWaiting ?? 0) > 0)
    chips.push({ key: 'sent-waiting', tone: 'warn', text: t('status.sentWaiting', { count: status.outbox.sentWaiting }) });
  if (status.printer.state === 'problem')
    chips.push({
      key: 'printer',
      tone: 'bad',
      text: status.printer.problem
        ? t('status.printer', { problem: status.printer.problem })
        : t('status.printerUnknown'),
    });
  if (status.scanner.state === 'problem')
    chips.push({
      key: 'scanner',
      tone: 'bad',
      text: status.scanner.problem
        ? t('status.scanner', { problem: status.scanner.problem })
        : t('status.scannerUnknown'),
    });
  // Issue 13: restored from a backup (or lost with nothing to restore) until an admin acknowledges.
  if (status.recovery) chips.push({ key: 'recovery', tone: 'bad', text: t(status.recovery.locked ? 'status.recoveryLocked' : 'status.recovered') });
  return (
    <ul className="chips" aria-label={t('status.label')} data-testid="status-chips">
      {chips.length === 0 ? (
        <li className="chip chip-ok" data-chip="ok">
          <span className="chip-dot" aria-hidden="true" />
          {t('status.allGood')}
        </li>
      ) : (
        chips.map((c) => (
          <li key={c.key} className={`chip chip-${c.tone}`} data-chip={c.key}>
            <span className="chip-dot" aria-hidden="true" />
            {c.text}
          </li>
        ))
      )}
    </ul>
  );
}
