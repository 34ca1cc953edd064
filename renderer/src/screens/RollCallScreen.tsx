// Issue 17: a roll call badge was scanned at the kiosk (no PIN: in a fire there is no time for
// one). The list is on screen; the core is already printing it on the pass printer.
import { useTranslation } from 'react-i18next';
import { RollCallList } from '../components/RollCallList';
import { useKiosk } from '../state/context';

export function RollCallScreen() {
  const { t } = useTranslation();
  const rc = useKiosk((s) => s.rollCall);
  const printing = useKiosk((s) => s.rollCallPrinting);
  const info = useKiosk((s) => s.info);
  const reset = useKiosk((s) => s.reset);
  if (!rc || !info) return null;
  return (
    <main className="screen screen-rollcall" aria-labelledby="rollcall-title">
      <header className="rollcall-top">
        <h1 id="rollcall-title" className="screen-title">
          {t('rollcall.title')}
        </h1>
        <p className="rollcall-print" role="status">
          {printing ? t('rollcall.printing') : t('rollcall.noPrinter')}
        </p>
        <button type="button" className="btn btn-primary" onClick={reset}>
          {t('rollcall.done')}
        </button>
      </header>
      <RollCallList rc={rc} locale={info.locale} timeZone={info.timeZone} />
    </main>
  );
}
