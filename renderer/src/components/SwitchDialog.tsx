// Another student scanned while this one was choosing: ask, rather than losing either of them.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../state/context';

export function SwitchDialog() {
  const { t } = useTranslation();
  const next = useKiosk((s) => s.pendingSwitch);
  const current = useKiosk((s) => s.flow);
  const accept = useKiosk((s) => s.acceptSwitch);
  const decline = useKiosk((s) => s.declineSwitch);
  const stayRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (next) stayRef.current?.focus();
  }, [next]);
  if (!next || !current) return null;
  const nextName = next.displayName;
  const currentName = current.displayName;
  return (
    <div className="overlay">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="switch-title"
        aria-describedby="switch-body"
      >
        <h2 id="switch-title">{t('switch.title')}</h2>
        <p id="switch-body">{t('switch.body', { name: nextName })}</p>
        <div className="dialog-actions">
          <button type="button" ref={stayRef} className="btn btn-secondary" onClick={decline}>
            {t('switch.stay', { name: currentName })}
          </button>
          <button type="button" className="btn btn-primary" onClick={accept}>
            {t('switch.switch', { name: nextName })}
          </button>
        </div>
      </div>
    </div>
  );
}
