// How much of a name a screen shows: in full to the student themselves, "Maja P." wherever
// someone else in the queue might read it.
import type { StudentCard } from '../../../shared/model';

export function shortName(s: Pick<StudentCard, 'forename' | 'surname'>): string {
  return `${s.forename} ${s.surname.slice(0, 1)}.`;
}

export function fullName(s: Pick<StudentCard, 'forename' | 'surname'>): string {
  return `${s.forename} ${s.surname}`;
}
