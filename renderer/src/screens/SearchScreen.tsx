// Forgot badge: find yourself by name. Only first name, last initial and year are shown, and
// only a handful, so the roll cannot be browsed from the front door.
import { useTranslation } from 'react-i18next';
import { Notice } from '../components/Notice';
import { OnScreenKeyboard } from '../components/OnScreenKeyboard';
import { TopBar } from '../components/TopBar';
import { yearLabel } from '../i18n';
import { useKiosk } from '../state/context';
import { MIN_SEARCH_LENGTH } from '../state/store';

export function SearchScreen() {
  const { t } = useTranslation();
  const query = useKiosk((s) => s.query);
  const hits = useKiosk((s) => s.hits);
  const setQuery = useKiosk((s) => s.setQuery);
  const pickHit = useKiosk((s) => s.pickHit);
  const reset = useKiosk((s) => s.reset);
  const tooShort = query.trim().length < MIN_SEARCH_LENGTH;
  return (
    <main className="screen screen-search" aria-labelledby="search-title">
      <TopBar
        wayOut={{ label: t('search.back'), ariaLabel: t('search.backLabel'), onClick: reset, back: true }}
      />
      <Notice />
      <div className="search-body">
        <div className="search-top">
          <div className="search-entry">
            <h1 id="search-title" className="screen-title">
              {t('search.title')}
            </h1>
            <div
              className="field"
              role="searchbox"
              aria-readonly="true"
              aria-label={t('search.fieldLabel')}
              data-testid="search-field"
            >
              {query || <span className="field-placeholder">{t('search.placeholder')}</span>}
              <span className="caret" aria-hidden="true" />
            </div>
            <p className="hint">{tooShort ? t('search.hint') : t('search.results')}</p>
          </div>
          <div className="hits" aria-live="polite">
            {!tooShort && hits && hits.length === 0 && <p className="empty">{t('search.none')}</p>}
            {!tooShort && hits && hits.length > 0 && (
              <ul className="hit-list">
                {hits.map((h) => {
                  const year = yearLabel(t, h.year);
                  return (
                    <li key={h.id}>
                      <button
                        type="button"
                        className="hit"
                        onClick={() => void pickHit(h.id)}
                        aria-label={t('search.pick', { name: h.displayName, year })}
                      >
                        {/* The space keeps the visible words apart, so the label contains them (WCAG 2.5.3). */}
                        <span className="hit-name">{h.displayName}</span>{' '}
                        <span className="hit-year">{year}</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        </div>
        <OnScreenKeyboard value={query} onChange={(q) => void setQuery(q)} maxLength={40} />
      </div>
    </main>
  );
}
