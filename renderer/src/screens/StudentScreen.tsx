// "Is this you, and which way?": the card, and the two directions with the likely one first.
// A re-scan soon after the last sign-in or sign-out ("did it work?") shows when that was, with
// "That's all" as the one big choice: leaving (or signing in again) takes a deliberate tap on a
// smaller button, never a highlighted guess.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../components/Avatar';
import { ArrowInIcon, ArrowOutIcon, CheckIcon } from '../components/Icons';
import { Notice } from '../components/Notice';
import { TopBar } from '../components/TopBar';
import { formatLocalTime, yearLabel } from '../i18n';
import { markStudentPainted } from '../perf';
import { useKiosk } from '../state/context';
import type { Direction } from '../../../shared/settings';

export function StudentScreen() {
  const { t } = useTranslation();
  const flow = useKiosk((s) => s.flow);
  const selected = useKiosk((s) => s.direction);
  const busy = useKiosk((s) => s.busy);
  const locale = useKiosk((s) => s.info?.locale ?? 'en-GB');
  const choose = useKiosk((s) => s.chooseDirection);
  const reset = useKiosk((s) => s.reset);
  const studentId = flow?.student.id;
  useEffect(() => {
    if (studentId) markStudentPainted();
  }, [studentId]);
  if (!flow) return null;
  const { student, recent } = flow;
  const name = flow.displayName;
  const detail = [yearLabel(t, student.year), student.form].filter(Boolean).join(' · ');
  const late = flow.arrival === 'late';
  const directions: { d: Direction; label: string; hint: string; Icon: typeof ArrowInIcon }[] = [
    {
      d: 'sign_in',
      label: late ? t('student.signIn') : t('queue.signInOnTime'),
      hint: late ? t('student.signInHint') : t('queue.signInOnTimeHint'),
      Icon: ArrowInIcon,
    },
    { d: 'sign_out', label: t('student.signOut'), hint: t('student.signOutHint'), Icon: ArrowOutIcon },
  ];
  // The likely direction comes first and is the one primary action on the screen, except on a
  // re-scan, where nothing is likely but "That's all".
  if (!recent && flow.suggested === 'sign_out') directions.reverse();

  return (
    <main className={`screen screen-student${recent ? ' screen-student-recent' : ''}`} aria-labelledby="student-name" aria-busy={busy}>
      <TopBar wayOut={{ label: t('student.notMe'), ariaLabel: t('student.notMeLabel'), onClick: reset }} />
      <Notice />
      <div className="student-body">
        <section className="student-card">
          <Avatar student={student} name={name} />
          <div>
            <h1 id="student-name" className="student-name" data-testid="student-name">
              {t('student.hello', { name })}
            </h1>
            {detail && <p className="student-detail">{detail}</p>}
            {!recent && flow.signedInToday && <p className="student-note">{t('student.alreadyIn')}</p>}
          </div>
        </section>
        {recent && (
          <section className="recent" aria-labelledby="recent-title" data-testid="recent">
            <p id="recent-title" className="recent-title">
              <CheckIcon />
              <span>
                {t(recent.direction === 'sign_in' ? 'queue.recentIn' : 'queue.recentOut', {
                  time: formatLocalTime(locale, recent.localTime),
                })}
              </span>
            </p>
            <p className="recent-body">{t('queue.recentBody')}</p>
            <button type="button" className="btn btn-primary btn-thats-all" onClick={reset} data-testid="thats-all">
              {t('queue.thatsAll')}
            </button>
          </section>
        )}
        <section className={`directions${recent ? ' directions-quiet' : ''}`} aria-labelledby="direction-question">
          <h2 id="direction-question" className="question">
            {recent ? t('queue.somethingElse') : t('student.question')}
          </h2>
          <div className="direction-list">
            {directions.map(({ d, label, hint, Icon }) => {
              const isSelected = selected === d;
              return (
                <button
                  key={d}
                  type="button"
                  className={`direction ${isSelected ? 'direction-selected' : ''}`}
                  aria-pressed={isSelected}
                  data-direction={d}
                  disabled={busy}
                  onClick={() => void choose(d)}
                >
                  <Icon />
                  <span className="direction-text">
                    <span className="direction-label">{label}</span>
                    <span className="direction-hint">{hint}</span>
                  </span>
                  {!recent && flow.suggested === d && <span className="tag">{t('student.suggested')}</span>}
                </button>
              );
            })}
          </div>
          {busy && (
            <p className="saving" role="status">
              {t('queue.saving')}
            </p>
          )}
        </section>
      </div>
    </main>
  );
}
