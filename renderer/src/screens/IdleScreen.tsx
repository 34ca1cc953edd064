// What the reception desk shows all day: who we are, the time, and one thing to do.
import { useTranslation } from 'react-i18next';
import { Clock } from '../components/Clock';
import { ScanIcon } from '../components/Icons';
import { StatusChips } from '../components/StatusChips';
import { StaffEntry } from '../staff/StaffEntry';
import { useKiosk } from '../state/context';

export function IdleScreen() {
  const { t } = useTranslation();
  const schoolName = useKiosk((s) => s.info?.schoolName ?? '');
  const openSearch = useKiosk((s) => s.openSearch);
  return (
    <main className="screen screen-idle" aria-labelledby="idle-title">
      <div className="idle-head">
        {/* Press and hold the school's name: the discreet way into staff mode. */}
        <StaffEntry>
          <span className="idle-school">{schoolName}</span>
        </StaffEntry>
        <Clock withDate />
      </div>
      <div className="idle-centre">
        <div className="idle-scan-icon">
          <ScanIcon size={132} />
        </div>
        <h1 id="idle-title" className="idle-title">
          {t('idle.scanPrompt')}
        </h1>
        <p className="idle-hint">{t('idle.lateOrLeaving')}</p>
        <p className="idle-hint idle-hint-small">{t('idle.scanHint')}</p>
      </div>
      <div className="idle-foot">
        <StatusChips />
        <button type="button" className="btn btn-ghost-light" onClick={openSearch}>
          {t('idle.forgot')}
        </button>
      </div>
    </main>
  );
}
