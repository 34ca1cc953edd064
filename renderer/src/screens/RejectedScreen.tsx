// "See reception": never the scanned text (it may be a password on a Clever badge), never a
// dead end.
import { useTranslation } from 'react-i18next';
import { AlertIcon } from '../components/Icons';
import { useKiosk } from '../state/context';
import { useCountdown } from '../state/useTimeouts';

export function RejectedScreen() {
  const { t } = useTranslation();
  const rejection = useKiosk((s) => s.rejection);
  const seconds = useKiosk((s) => Math.max(8, s.info?.kiosk.doneSeconds ?? 8));
  const screenSeq = useKiosk((s) => s.screenSeq);
  const reset = useKiosk((s) => s.reset);
  const openSearch = useKiosk((s) => s.openSearch);
  useCountdown(seconds, reset, screenSeq);
  const isError = rejection?.kind === 'error';
  return (
    <main className="screen screen-rejected" aria-labelledby="rejected-title">
      <div className="rejected-body" role="alert">
        <div className="rejected-icon">
          <AlertIcon />
        </div>
        <h1 id="rejected-title" className="screen-title">
          {isError ? t('rejected.errorTitle') : t('rejected.title')}
        </h1>
        <p className="rejected-text">{isError ? t('rejected.errorBody') : t('rejected.body')}</p>
        <div className="rejected-actions">
          {!isError && (
            <button type="button" className="btn btn-secondary" onClick={openSearch}>
              {t('rejected.findByName')}
            </button>
          )}
          <button type="button" className="btn btn-primary" onClick={reset}>
            {t('rejected.ok')}
          </button>
        </div>
      </div>
    </main>
  );
}
