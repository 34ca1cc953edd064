// "Is this you, and which way?": the card, and the two directions with the likely one first.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../components/Avatar';
import { ArrowInIcon, ArrowOutIcon } from '../components/Icons';
import { fullName } from '../components/names';
import { Notice } from '../components/Notice';
import { TopBar } from '../components/TopBar';
import { yearLabel } from '../i18n';
import { markStudentPainted } from '../perf';
import { useKiosk } from '../state/context';
import type { Direction } from '../../../shared/settings';

export function StudentScreen() {
  const { t } = useTranslation();
  const flow = useKiosk((s) => s.flow);
  const selected = useKiosk((s) => s.direction);
  const choose = useKiosk((s) => s.chooseDirection);
  const reset = useKiosk((s) => s.reset);
  const studentId = flow?.student.id;
  useEffect(() => {
    if (studentId) markStudentPainted();
  }, [studentId]);
  if (!flow) return null;
  const { student } = flow;
  const name = fullName(student);
  const detail = [yearLabel(t, student.year), student.form].filter(Boolean).join(' · ');
  const directions: { d: Direction; label: string; hint: string; Icon: typeof ArrowInIcon }[] = [
    { d: 'sign_in', label: t('student.signIn'), hint: t('student.signInHint'), Icon: ArrowInIcon },
    { d: 'sign_out', label: t('student.signOut'), hint: t('student.signOutHint'), Icon: ArrowOutIcon },
  ];
  // The likely direction comes first and is the one primary action on the screen.
  if (flow.suggested === 'sign_out') directions.reverse();

  return (
    <main className="screen screen-student" aria-labelledby="student-name">
      <TopBar wayOut={{ label: t('student.notMe'), ariaLabel: t('student.notMeLabel'), onClick: reset }} />
      <Notice />
      <div className="student-body">
        <section className="student-card">
          <Avatar student={student} />
          <div>
            <h1 id="student-name" className="student-name" data-testid="student-name">
              {t('student.hello', { name })}
            </h1>
            {detail && <p className="student-detail">{detail}</p>}
            {flow.signedInToday && <p className="student-note">{t('student.alreadyIn')}</p>}
          </div>
        </section>
        <section className="directions" aria-labelledby="direction-question">
          <h2 id="direction-question" className="question">
            {t('student.question')}
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
                  onClick={() => choose(d)}
                >
                  <Icon />
                  <span className="direction-text">
                    <span className="direction-label">{label}</span>
                    <span className="direction-hint">{hint}</span>
                  </span>
                  {flow.suggested === d && <span className="tag">{t('student.suggested')}</span>}
                </button>
              );
            })}
          </div>
        </section>
      </div>
    </main>
  );
}
