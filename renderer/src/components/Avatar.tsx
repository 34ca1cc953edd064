// The roster photo when there is one; otherwise initials on a calm colour, never a blank box.
import { useTranslation } from 'react-i18next';
import type { StudentCard } from '../../../shared/model';

/** `name` is what the screen shows ("Ava S."): a screen reader must not read out more than the queue can. */
export function Avatar({ student, name }: { student: StudentCard; name: string }) {
  const { t } = useTranslation();
  if (student.photo && /^(data:image\/|https?:|file:)/.test(student.photo)) {
    return <img className="avatar" src={student.photo} alt={t('student.photoAlt', { name })} />;
  }
  const initials = `${student.forename[0] ?? ''}${student.surname[0] ?? ''}`.toUpperCase();
  return (
    <div className="avatar avatar-initials" role="img" aria-label={t('student.initialsLabel', { name })}>
      {initials}
    </div>
  );
}
