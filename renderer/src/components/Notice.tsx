// A one-line message over the current screen ("That badge was not recognised") that does not
// throw away what the student in front of the kiosk has chosen.
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../state/context';

export function Notice() {
  const { t } = useTranslation();
  const notice = useKiosk((s) => s.notice);
  const dismiss = useKiosk((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="notice" role="alert">
      <span>{notice === 'unknown_badge' ? t('notice.unknownBadge') : t('notice.error')}</span>
      <button type="button" className="btn btn-secondary btn-small" onClick={dismiss}>
        {t('notice.dismiss')}
      </button>
    </div>
  );
}
