// Issue 17: the roll call in staff mode. Opening it shows the list and prints it at once (one
// button, from Today); "Print again" for a second copy. Read from the kiosk's own database, so it
// works with the network and the MIS down.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RollCall } from '../../../../shared/roll-call';
import { RollCallList } from '../../components/RollCallList';
import { useKiosk } from '../../state/context';
import { useStaff } from '../context';

type PrintState = { kind: 'printing' } | { kind: 'ok' | 'error'; text: string } | null;

export function RollCallStaff() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const go = useStaff((s) => s.go);
  const info = useKiosk((s) => s.info);
  const [rc, setRc] = useState<RollCall | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [print, setPrint] = useState<PrintState>(null);

  const printNow = async () => {
    setPrint({ kind: 'printing' });
    const res = await call('printRollCall', {});
    if (!res.ok) setPrint({ kind: 'error', text: res.error.message });
    else if (res.value.status === 'printed') setPrint({ kind: 'ok', text: t('staff.rollcall.printed') });
    else if (res.value.status === 'disabled') setPrint({ kind: 'error', text: t('staff.rollcall.noPrinter') });
    else setPrint({ kind: 'error', text: t('staff.rollcall.printFailed', { problem: res.value.problem ?? '' }) });
  };

  useEffect(() => {
    let live = true;
    void call('rollCall', {}).then((res) => {
      if (!live) return;
      if (res.ok) setRc(res.value);
      else setError(res.error.message);
    });
    void printNow();
    return () => {
      live = false;
    };
    // Once, as the screen opens: the one button both shows and prints.
  }, []);

  return (
    <div className="staff-rollcall" data-testid="staff-rollcall">
      <div className="today-tools">
        <h1 className="staff-title">{t('staff.rollcall.title')}</h1>
        <button type="button" className="btn btn-secondary" onClick={() => go('today')}>
          {t('staff.rollcall.back')}
        </button>
        <button type="button" className="btn btn-primary" disabled={print?.kind === 'printing'} onClick={() => void printNow()}>
          {t('staff.rollcall.print')}
        </button>
      </div>
      {print && (
        <p className={print.kind === 'error' ? 'field-problem' : 'panel-ok'} role={print.kind === 'error' ? 'alert' : 'status'} data-testid="rollcall-print">
          {print.kind === 'printing' ? t('rollcall.printing') : print.text}
        </p>
      )}
      {error && (
        <p className="field-problem" role="alert">
          {error}
        </p>
      )}
      {rc && info && <RollCallList rc={rc} locale={info.locale} timeZone={info.timeZone} />}
    </div>
  );
}
