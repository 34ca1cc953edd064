// Beside the badge-pattern field: a warning when the pattern is broad enough to accept a login QR
// code (shared/badge-pattern.ts decides; this only words it). Shown as the admin types, before
// saving, because a too-broad pattern is valid and would otherwise be saved without a word.
import { useTranslation } from 'react-i18next';
import { badgePatternWarning } from '../../../../shared/badge-pattern';

export function BadgePatternWarning({ pattern }: { pattern: string }) {
  const { t } = useTranslation();
  const lines = badgePatternWarning(pattern);
  if (!lines.length) return null;
  return (
    <div className="field-warning" role="status" data-testid="badge-pattern-warning">
      <p className="form-label">{t('staff.badgePatternRisk.title')}</p>
      <p className="hint">{t('staff.badgePatternRisk.intro')}</p>
      <ul>
        {lines.map((r) => (
          <li key={r}>{t(`staff.badgePatternRisk.${r}`)}</li>
        ))}
      </ul>
      <p className="hint">{t('staff.badgePatternRisk.fix')}</p>
    </div>
  );
}
